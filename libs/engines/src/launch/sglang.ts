import { allInterfaces, repoOrPath, type Launcher } from './engine-launch.js';

/**
 * `python3 -m sglang.launch_server` (docs.sglang.io, "Server Arguments" and "LoRA Serving").
 * s3:// is streamed with `--load-format runai_streamer` ("Loading Models from Object Storage").
 * Adapters are `--lora-paths name=path`; the OpenAI API selects one as `<served-name>:<adapter>`.
 * Tool calling is `--tool-call-parser <parser>` ("Tool Parser").
 */
export const launchSglang: Launcher = ({ input, profile, model, adapters, toolCalling }, volumes) => {
  const args = [
    '--model-path',
    repoOrPath(model, volumes, 'model.uri', 'sglang'),
    '--served-model-name',
    input.model.servedName,
    '--host',
    allInterfaces,
    '--port',
    String(profile.port),
    '--max-running-requests',
    String(input.maxConcurrency),
    '--tp-size',
    String(input.gpuCount),
  ];
  if (model.scheme === 's3') args.push('--load-format', 'runai_streamer');
  if (adapters.length > 0) {
    args.push('--enable-lora', '--lora-paths');
    adapters.forEach(({ name, source }, index) => {
      args.push(`${name}=${repoOrPath(source, volumes, `adapters[${index}].uri`, 'sglang')}`);
    });
    // The per-batch limit counts base-model requests as one more "adapter".
    args.push('--max-loras-per-batch', String(adapters.length + 1));
  }
  // SGLang has no --enable-auto-tool-choice: the parser alone turns tool calling on.
  if (toolCalling.parser !== undefined) args.push('--tool-call-parser', toolCalling.parser);
  const base = input.model.servedName;
  return {
    // The image has no server entrypoint.
    command: ['python3', '-m', 'sglang.launch_server'],
    args,
    env: [{ name: 'HF_HOME', value: `${profile.cachePath}/huggingface` }],
    modelNames: { base, adapters: Object.fromEntries(adapters.map(({ name }) => [name, `${base}:${name}`])) },
  };
};
