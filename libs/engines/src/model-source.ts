import type { ModelScheme } from './profiles.js';

/** A parsed model or adapter URI. Each engine decides which schemes it can load (profiles.ts). */
export type ModelSource =
  /** hf://org/name[:tag]: a Hugging Face repository; the tag picks a GGUF quant or a NIM revision. */
  | { scheme: 'hf'; repo: string; tag?: string }
  /** s3://bucket/key: streamed by the engine itself, with the pod's cloud identity. */
  | { scheme: 's3'; uri: string }
  /** pvc://claim/path: a PersistentVolumeClaim in the pod's namespace, mounted read-only. */
  | { scheme: 'pvc'; claim: string; path: string }
  /** ollama://name[:tag]: a model from the Ollama library. */
  | { scheme: 'ollama'; name: string }
  /** ngc://org/team/model:version: a model in NVIDIA's NGC catalog (NIM only). */
  | { scheme: 'ngc'; uri: string };

const hfRepo = /^([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*)(?::([\w.-]+))?$/;
const s3Location = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;
// A PVC name is a DNS-1123 subdomain.
const claimName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const pathSegment = /^[\w.+@=-]+$/;
const ollamaName = /^[A-Za-z0-9][\w./-]*(?::[\w.-]+)?$/;
const ngcLocation = /^[\w.-]+(\/[\w.-]+)*(:[\w.-]+)?(\?\S*)?$/;

export function parseModelUri(uri: string, field: string): ModelSource {
  const match = /^([a-z0-9]+):\/\/(.*)$/.exec(uri);
  if (!match) {
    throw new Error(`${field} must be a URI such as hf://org/name or pvc://claim/path, got "${uri}".`);
  }
  const scheme = match[1] ?? '';
  const rest = match[2] ?? '';
  switch (scheme) {
    case 'hf':
      return parseHf(rest, field);
    case 's3':
      if (!s3Location.test(rest)) throw new Error(`${field} must be s3://bucket/path, got "${uri}".`);
      return { scheme: 's3', uri };
    case 'pvc':
      return parsePvc(rest, field);
    case 'ollama':
      if (!ollamaName.test(rest)) throw new Error(`${field} must be ollama://name[:tag], got "${uri}".`);
      return { scheme: 'ollama', name: rest };
    case 'ngc':
      if (!ngcLocation.test(rest)) throw new Error(`${field} must be ngc://org/team/model:version, got "${uri}".`);
      return { scheme: 'ngc', uri };
    default:
      throw new Error(`${field} has the unknown scheme "${scheme}://"; expected hf, s3, pvc, ollama or ngc.`);
  }
}

function parseHf(rest: string, field: string): ModelSource {
  const match = hfRepo.exec(rest);
  if (!match) throw new Error(`${field} must be hf://org/name[:tag], got "hf://${rest}".`);
  const repo = match[1] ?? '';
  const tag = match[2];
  return tag === undefined ? { scheme: 'hf', repo } : { scheme: 'hf', repo, tag };
}

function parsePvc(rest: string, field: string): ModelSource {
  const [claim = '', ...segments] = rest.split('/');
  if (claim.length > 253 || !claimName.test(claim)) {
    throw new Error(`${field} must start with pvc://<claim>, a lowercase PVC name, got "pvc://${rest}".`);
  }
  const parts = segments.filter((segment, index) => segment !== '' || index < segments.length - 1);
  // Reject anything that could climb out of the mount (`..`) or is ambiguous to a shell or engine.
  for (const part of parts) {
    if (part === '.' || part === '..' || !pathSegment.test(part)) {
      throw new Error(`${field} has an invalid path segment "${part}" in "pvc://${rest}".`);
    }
  }
  return { scheme: 'pvc', claim, path: parts.join('/') };
}

export function describeSchemes(schemes: readonly ModelScheme[]): string {
  return schemes.map((scheme) => `${scheme}://`).join(', ');
}
