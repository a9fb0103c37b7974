import type { ModelSource } from '../model-source.js';
import { allInterfaces, type Launcher } from './engine-launch.js';

/** A loopback-only port for the pull phase, so nothing outside the container sees a half-ready server. */
const pullPort = 11435;

/**
 * Ollama serves only what it has pulled. This script pulls on a private server first, names the
 * model as the Specialist serves it (`ollama cp`), then execs the real server: the pod's port opens
 * only once the model is on disk, so the startup probe measures the download. Any failure exits
 * (and stops the pull server), so the kubelet restarts the container. Names arrive through env,
 * never spliced into the script, so no model name can inject shell.
 */
export const ollamaStartScript = `set -eu
pull_host=127.0.0.1:${pullPort}
OLLAMA_HOST=$pull_host ollama serve &
puller=$!
trap 'kill "$puller" 2>/dev/null || true' EXIT
until OLLAMA_HOST=$pull_host ollama list >/dev/null 2>&1; do
  kill -0 "$puller"
  sleep 1
done
OLLAMA_HOST=$pull_host ollama pull "$SLM_FLEET_PULL_MODEL"
if [ "$SLM_FLEET_SERVED_MODEL" != "$SLM_FLEET_PULL_MODEL" ]; then
  OLLAMA_HOST=$pull_host ollama cp "$SLM_FLEET_PULL_MODEL" "$SLM_FLEET_SERVED_MODEL"
fi
kill "$puller"
wait "$puller" || true
exec ollama serve
`;

/**
 * The ollama/ollama image with env settings (OLLAMA_HOST, OLLAMA_NUM_PARALLEL, OLLAMA_MODELS,
 * OLLAMA_KEEP_ALIVE; ollama/ollama envconfig). hf:// pulls a GGUF repository as `hf.co/org/repo[:quant]`.
 */
export const launchOllama: Launcher = ({ input, profile, model }) => ({
  command: ['/bin/sh', '-c', ollamaStartScript],
  args: [],
  env: [
    { name: 'OLLAMA_HOST', value: `${allInterfaces}:${profile.port}` },
    { name: 'OLLAMA_NUM_PARALLEL', value: String(input.maxConcurrency) },
    { name: 'OLLAMA_MODELS', value: `${profile.cachePath}/ollama` },
    // Never unload the model after idling (the default is 5 minutes): a specialist stays warm.
    { name: 'OLLAMA_KEEP_ALIVE', value: '-1' },
    { name: 'SLM_FLEET_PULL_MODEL', value: pullName(model) },
    { name: 'SLM_FLEET_SERVED_MODEL', value: input.model.servedName },
  ],
  modelNames: { base: input.model.servedName, adapters: {} },
});

function pullName(model: ModelSource): string {
  if (model.scheme === 'ollama') return model.name;
  if (model.scheme === 'hf') return `hf.co/${model.repo}${model.tag === undefined ? '' : `:${model.tag}`}`;
  throw new Error(`model.uri: ollama cannot pull ${model.scheme}:// models.`);
}
