/** Every engine a Specialist may name. `openai` is an external OpenAI-compatible URL, not a pod. */
export const engineKinds = ['vllm', 'sglang', 'llamacpp', 'ollama', 'tgi', 'nim', 'openai'] as const;

export type EngineKind = (typeof engineKinds)[number];

/** The engines slm-fleet runs as a container beside the worker. */
export type PodEngineKind = Exclude<EngineKind, 'openai'>;

export function isEngineKind(value: unknown): value is EngineKind {
  return typeof value === 'string' && (engineKinds as readonly string[]).includes(value);
}

/** False only for `openai`: its worker calls a URL outside the cluster, so nothing is rendered. */
export function engineRunsInPod(kind: EngineKind): kind is PodEngineKind {
  return kind !== 'openai';
}
