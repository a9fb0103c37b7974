import type { Specialist } from './specialist.js';

/**
 * The model name a Specialist's worker asks its engine for: model.servedName, else on
 * engine.kind openai model.uri (the name the endpoint knows, e.g. gpt-4o-mini), else the
 * Specialist's name (what slm-fleet starts the engine with).
 */
export function servedModelName(specialist: Pick<Specialist, 'metadata' | 'spec'>): string {
  const { model, engine } = specialist.spec;
  if (model.servedName !== undefined) return model.servedName;
  return engine.kind === 'openai' ? model.uri : specialist.metadata.name;
}
