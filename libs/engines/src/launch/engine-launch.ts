import type { V1EnvVar } from '@kubernetes/client-node';
import type { CheckedInput } from '../check-input.js';
import type { ModelSource } from '../model-source.js';
import type { PodVolumes } from '../pod-volumes.js';

/** The OpenAI `model` value the worker sends for the base model and for each adapter (by adapter name). */
export interface ModelNames {
  base: string;
  adapters: Record<string, string>;
}

/** How one engine is started: its command line and settings, before the common container parts. */
export interface EngineLaunch {
  /** Left out where the image's entrypoint must run (it sets up the engine's environment). */
  command?: string[];
  args: string[];
  env: V1EnvVar[];
  /**
   * Variables of the user's engine.env that the launcher folded into its own `env` (NIM's
   * NIM_PASSTHROUGH_ARGS gets the tool-call flags in front of the user's): not added twice.
   */
  absorbedEnv?: string[];
  modelNames: ModelNames;
}

export type Launcher = (checked: CheckedInput, volumes: PodVolumes) => EngineLaunch;

/** Binding all interfaces inside the pod: probes and the Service reach the engine on the pod IP. */
export const allInterfaces = '0.0.0.0';

/**
 * What engines that load Hugging Face repositories or local directories are told to load: the
 * repository id or the mounted path. Their hf:// URIs name whole repositories, so a `:tag` is refused.
 */
export function repoOrPath(source: ModelSource, volumes: PodVolumes, field: string, kind: string): string {
  switch (source.scheme) {
    case 'hf':
      if (source.tag !== undefined) {
        throw new Error(`${field}: ${kind} loads whole repositories; drop ":${source.tag}" (tags select GGUF files).`);
      }
      return source.repo;
    case 'pvc':
      return volumes.pvcPath(source.claim, source.path);
    case 's3':
    case 'ngc':
      return source.uri;
    case 'ollama':
      return source.name;
  }
}

export function sameNames(adapters: CheckedInput['adapters']): Record<string, string> {
  return Object.fromEntries(adapters.map((adapter) => [adapter.name, adapter.name]));
}
