import { allInterfaces, repoOrPath, type Launcher } from './engine-launch.js';

/**
 * `text-generation-launcher` through the image's entrypoint, which activates its Python
 * environment (huggingface.co/docs/text-generation-inference, "Text-generation-launcher arguments").
 * `--lora-adapters` takes `repo/id` or `id=/local/path`, comma-separated; the OpenAI route uses
 * the request's `model` as the adapter id, and the literal `tgi` as the base model.
 */
export const launchTgi: Launcher = ({ input, profile, model, adapters }, volumes) => {
  const args = [
    '--model-id',
    repoOrPath(model, volumes, 'model.uri', 'tgi'),
    '--hostname',
    allInterfaces,
    '--port',
    String(profile.port),
    // TGI refuses requests beyond this instead of queueing them: the worker never sends more.
    '--max-concurrent-requests',
    String(input.maxConcurrency),
    '--num-shard',
    String(input.gpuCount),
  ];
  const adapterIds: Record<string, string> = {};
  if (adapters.length > 0) {
    const specs = adapters.map(({ name, source }, index) => {
      const location = repoOrPath(source, volumes, `adapters[${index}].uri`, 'tgi');
      // A hub adapter is known to TGI by its repository id; a local one by the id given before `=`.
      adapterIds[name] = source.scheme === 'hf' ? location : name;
      return source.scheme === 'hf' ? location : `${name}=${location}`;
    });
    args.push('--lora-adapters', specs.join(','));
  }
  return {
    args,
    env: [{ name: 'HUGGINGFACE_HUB_CACHE', value: `${profile.cachePath}/huggingface/hub` }],
    modelNames: { base: 'tgi', adapters: adapterIds },
  };
};
