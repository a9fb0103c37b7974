import type { V1EnvVar } from '@kubernetes/client-node';
import type { CheckedInput } from './check-input.js';

/**
 * The hub token the engine reads, as an env var filled from the Secret by the kubelet: the token
 * never appears in the pod spec, the operator's memory or its logs.
 */
export function credentialEnv({ input, model, adapters }: CheckedInput): V1EnvVar[] {
  const sources = [model, ...adapters.map((adapter) => adapter.source)];
  const schemes = new Set(sources.map((source) => source.scheme));
  const tokenVars = new Set<string>();
  // Ollama pulls from hf.co with its own SSH identity, not a Hugging Face token.
  if (schemes.has('hf') && input.kind !== 'ollama') tokenVars.add('HF_TOKEN');
  if (schemes.has('ngc')) tokenVars.add('NGC_API_KEY');

  const { credentials } = input;
  if (credentials === undefined) {
    if (tokenVars.has('NGC_API_KEY')) {
      throw new Error('credentials are required for ngc:// models: NIM downloads them with NGC_API_KEY.');
    }
    return [];
  }
  if (tokenVars.size === 0) {
    const hint = schemes.has('s3') ? " s3:// is read with the pod's cloud identity (e.g. IRSA), not a token." : '';
    throw new Error(`credentials: ${input.kind} loading ${[...schemes].join('/')}:// takes no token.${hint}`);
  }
  if (tokenVars.size > 1) {
    throw new Error(`credentials: one Secret key cannot hold both ${[...tokenVars].join(' and ')}.`);
  }
  return [...tokenVars].map((name) => ({
    name,
    valueFrom: { secretKeyRef: { name: credentials.secretName, key: credentials.key } },
  }));
}
