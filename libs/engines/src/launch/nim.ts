import type { ModelSource } from '../model-source.js';
import type { PodVolumes } from '../pod-volumes.js';
import type { Launcher } from './engine-launch.js';

/**
 * A NIM image runs its own entrypoint and reads NIM_* variables (docs.nvidia.com/nim/large-language-
 * models, "Environment Variables" and "Model-Free NIM"): NIM_MODEL_PATH takes ngc://, hf://, s3://
 * or an absolute path; the health endpoints share NIM_SERVER_PORT. NIM sizes its batch from the
 * selected profile, so maxConcurrency is enforced by the worker alone.
 */
export const launchNim: Launcher = ({ input, profile, model }, volumes) => ({
  args: [],
  env: [
    { name: 'NIM_MODEL_PATH', value: modelPath(model, volumes) },
    { name: 'NIM_SERVED_MODEL_NAME', value: input.model.servedName },
    { name: 'NIM_SERVER_PORT', value: String(profile.port) },
  ],
  modelNames: { base: input.model.servedName, adapters: {} },
});

function modelPath(model: ModelSource, volumes: PodVolumes): string {
  switch (model.scheme) {
    case 'hf':
      // NIM's own hf:// form, where a tag is a revision.
      return `hf://${model.repo}${model.tag === undefined ? '' : `:${model.tag}`}`;
    case 'pvc':
      return volumes.pvcPath(model.claim, model.path);
    case 's3':
    case 'ngc':
      return model.uri;
    case 'ollama':
      throw new Error('model.uri: nim cannot load ollama:// models.');
  }
}
