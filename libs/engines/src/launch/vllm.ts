import { allInterfaces, repoOrPath, sameNames, type Launcher } from './engine-launch.js';

/**
 * `vllm serve <model>` (docs.vllm.ai, "vllm serve" and "Engine Arguments"). s3:// is streamed by
 * the Run:ai Model Streamer (`--load-format runai_streamer`). Adapters are `--lora-modules
 * name=path` (a path or a Hugging Face id, which vLLM downloads) and are requested by name.
 * Tool calling is `--enable-auto-tool-choice --tool-call-parser <parser>` ("Tool Calling").
 */
export const launchVllm: Launcher = ({ input, profile, model, adapters, toolCalling }, volumes) => {
  const args = [
    repoOrPath(model, volumes, 'model.uri', 'vllm'),
    '--served-model-name',
    input.model.servedName,
    '--host',
    allInterfaces,
    '--port',
    String(profile.port),
    '--max-num-seqs',
    String(input.maxConcurrency),
    '--tensor-parallel-size',
    String(input.gpuCount),
  ];
  if (model.scheme === 's3') args.push('--load-format', 'runai_streamer');
  if (adapters.length > 0) {
    // --max-loras is how many adapters one batch may mix: all of them, so no request waits for a slot.
    args.push('--enable-lora', '--max-loras', String(adapters.length), '--lora-modules');
    adapters.forEach(({ name, source }, index) => {
      args.push(`${name}=${repoOrPath(source, volumes, `adapters[${index}].uri`, 'vllm')}`);
    });
  }
  // Without both, vLLM answers tool_choice "auto" with an error and never fills tool_calls.
  if (toolCalling.parser !== undefined) {
    args.push('--enable-auto-tool-choice', '--tool-call-parser', toolCalling.parser);
  }
  return {
    // Explicit, because older vllm-openai images start the legacy api_server entrypoint instead.
    command: ['vllm', 'serve'],
    args,
    env: [{ name: 'HF_HOME', value: `${profile.cachePath}/huggingface` }],
    modelNames: { base: input.model.servedName, adapters: sameNames(adapters) },
  };
};
