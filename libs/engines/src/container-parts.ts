import type { V1EnvVar, V1ResourceRequirements, V1SecurityContext } from '@kubernetes/client-node';
import type { EngineContainerInput } from './engine-input.js';

/**
 * GPUs are extended resources: Kubernetes requires request == limit and never overcommits them.
 * Memory is limited at its request, so an engine cannot grow into its neighbours' memory. CPU gets
 * a request but no limit: CFS throttling would stall the engine's scheduler and tokenizer threads
 * between GPU steps, and idle CPU on a GPU node is better spent than reserved.
 */
export function engineResources(input: EngineContainerInput, accelerator: string): V1ResourceRequirements {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (input.cpu !== undefined) requests['cpu'] = input.cpu;
  if (input.memory !== undefined) requests['memory'] = limits['memory'] = input.memory;
  if (input.gpuCount > 0) requests[accelerator] = limits[accelerator] = String(input.gpuCount);
  return {
    ...(Object.keys(requests).length > 0 ? { requests } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}

/**
 * Least privilege that the engines tolerate. runAsNonRoot is deliberately not set: the vLLM,
 * SGLang, TGI, llama.cpp and Ollama images run as root by default (their caches and state live
 * under /root), so requiring non-root would stop them at container creation. Without capabilities,
 * privilege escalation or extra syscalls, root in the container cannot reach the host.
 */
export function engineSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

// The names Kubernetes accepts for environment variables.
const envNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The generated variables, then the user's. A user variable may not replace a generated one:
 * that would silently change the engine's port or model, or put a literal where a Secret belongs.
 * `absorbed` names user variables a generated one already carries (the launcher merged them).
 */
export function mergeEnv(
  generated: V1EnvVar[],
  user: EngineContainerInput['env'] = [],
  absorbed: readonly string[] = [],
): V1EnvVar[] {
  const taken = new Set(generated.map((variable) => variable.name));
  // Each absorbed name once: a second entry is a duplicate like any other.
  const absorbing = new Set(absorbed);
  const kept = user.filter(({ name }, index) => {
    if (!envNamePattern.test(name)) throw new Error(`env[${index}].name "${name}" is not a valid variable name.`);
    if (absorbing.delete(name)) return false;
    if (taken.has(name)) throw new Error(`env[${index}].name ${name} is set by slm-fleet (or listed twice).`);
    taken.add(name);
    return true;
  });
  return [...generated, ...kept.map(({ name, value }) => ({ name, value }))];
}
