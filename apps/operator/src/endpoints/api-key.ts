// Reads the API key of an engine.kind openai Specialist from the Secret its engine.secretRef
// names, by name (RBAC: get on secrets, no list or watch). The key is returned to the probe and
// nowhere else: not cached, not logged; errors name the Secret and key, never the value.
import type { CoreV1Api } from '@kubernetes/client-node';

export type ApiKeyRead = { apiKey: string } | { error: string };

export async function readApiKey(
  core: CoreV1Api,
  namespace: string,
  ref: { name: string; key: string },
): Promise<ApiKeyRead> {
  let data: Record<string, string> | undefined;
  try {
    data = (await core.readNamespacedSecret({ name: ref.name, namespace })).data;
  } catch (error) {
    // Only the status code: an ApiException's text carries the response body.
    const code = (error as { code?: unknown }).code;
    if (code === 404) return { error: `Secret ${ref.name} not found in namespace ${namespace}` };
    if (code === 403) {
      return { error: `the operator may not read Secret ${ref.name} (its RBAC needs get on secrets)` };
    }
    return { error: `reading Secret ${ref.name} failed${typeof code === 'number' ? ` (HTTP ${code})` : ''}` };
  }
  const encoded = data?.[ref.key];
  if (!encoded) return { error: `Secret ${ref.name} has no key ${ref.key}` };
  const apiKey = Buffer.from(encoded, 'base64').toString('utf8');
  // A key saved with its newline (echo > file) makes an invalid header in the worker too.
  if (/\s/.test(apiKey)) {
    return {
      error: `the value of key ${ref.key} in Secret ${ref.name} holds whitespace or a newline: store the key alone (kubectl create secret generic --from-literal)`,
    };
  }
  return { apiKey };
}
