import type { ModelSource } from '../model-source.js';
import type { PodVolumes } from '../pod-volumes.js';
import { allInterfaces, type Launcher } from './engine-launch.js';

/** Offload every layer: llama-server takes a layer count (older builds reject `all`), capped at the model's. */
const allLayers = '999';

/**
 * `llama-server` through the image's entrypoint (/app/llama-server; ggml-org/llama.cpp
 * tools/server/README.md). A GGUF comes from the hub with `-hf org/repo[:quant]` or from a file with
 * `-m`; `--parallel` is the number of slots, each getting an equal share of the context.
 * Tool calls come from the model's chat template under `--jinja` (docs/function-calling.md);
 * `--no-jinja` makes the server refuse requests that carry tools.
 */
export const launchLlamacpp: Launcher = ({ input, profile, model, toolCalling }, volumes) => ({
  args: [
    ...modelArgs(model, volumes),
    '--alias',
    input.model.servedName,
    '--host',
    allInterfaces,
    '--port',
    String(profile.port),
    '--parallel',
    String(input.maxConcurrency),
    '-ngl',
    input.gpuCount > 0 ? allLayers : '0',
    // Explicit either way: recent builds default to --jinja, older ones did not (and do not
    // know --no-jinja, so toolCallParser "none" needs a build from this default's era).
    toolCalling.enabled ? '--jinja' : '--no-jinja',
  ],
  env: [{ name: 'LLAMA_CACHE', value: `${profile.cachePath}/llama.cpp` }],
  modelNames: { base: input.model.servedName, adapters: {} },
});

function modelArgs(model: ModelSource, volumes: PodVolumes): string[] {
  if (model.scheme === 'hf') return ['-hf', model.tag === undefined ? model.repo : `${model.repo}:${model.tag}`];
  if (model.scheme === 'pvc') return ['-m', volumes.pvcPath(model.claim, model.path)];
  throw new Error(`model.uri: llamacpp cannot load ${model.scheme}:// models.`);
}
