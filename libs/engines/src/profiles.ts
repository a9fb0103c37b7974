import type { PodEngineKind } from './engine-kind.js';

/** Where model weights (and adapters) come from; see model-source.ts for the URI forms. */
export type ModelScheme = 'hf' | 's3' | 'pvc' | 'ollama' | 'ngc';

/**
 * What a pod accelerates with: `cpu`, or the GPU's extended resource name. Default images are
 * chosen per accelerator because each vendor needs its own build (CUDA, ROCm).
 */
export type Accelerator = 'cpu' | 'nvidia.com/gpu' | 'amd.com/gpu';

/** Whether the engine's processes exchange tensors through /dev/shm. */
export type SharedMemoryNeed = 'always' | 'when-sharded' | 'never';

/**
 * How an engine returns OpenAI `tool_calls`: `parser`, only when started with a named output
 * parser (vLLM, SGLang, NIM); `chat-template`, through the model's Jinja chat template
 * (llama.cpp's --jinja); `native`, always, with nothing to set (TGI, Ollama).
 */
export type ToolCallingMode = 'parser' | 'chat-template' | 'native';

export interface EngineProfile {
  readonly kind: PodEngineKind;
  /** Pinned images per accelerator; an accelerator missing here needs an explicit `image`. */
  readonly defaultImages: Readonly<Partial<Record<Accelerator, string>>>;
  /** The port the engine listens on inside the pod (bound on 0.0.0.0). */
  readonly port: number;
  /** Answers 200 once the model is loaded: the startup and readiness probes' path. */
  readonly healthPath: string;
  /** Answers 200 while the process is alive; the same as healthPath except where the engine splits them. */
  readonly livenessPath: string;
  readonly openaiBasePath: string;
  /** LoRA adapters on the shared base model, each addressable by its own OpenAI `model` name. */
  readonly supportsAdapters: boolean;
  readonly modelSchemes: readonly ModelScheme[];
  readonly adapterSchemes: readonly ModelScheme[];
  readonly sharedMemory: SharedMemoryNeed;
  /** No usable default image exists (NIM images are per model and behind NGC credentials). */
  readonly requiresImage: boolean;
  /** The engine has a CPU build, so gpuCount 0 is meaningful. */
  readonly runsOnCpu: boolean;
  /** Whether user `extraArgs` reach the engine's command line (engines configured by env take none). */
  readonly acceptsArgs: boolean;
  /** Where downloaded weights are cached: an emptyDir, so a container restart does not download again. */
  readonly cachePath: string;
  readonly toolCalling: ToolCallingMode;
}

// Image tags are pinned so a pod restart never changes the engine under a running fleet; bump
// them deliberately. llama.cpp publishes rolling tags only per build number (server-b<NNNN>), so
// its defaults float: set `image` to pin one.
const profiles: Readonly<Record<PodEngineKind, EngineProfile>> = {
  vllm: {
    kind: 'vllm',
    defaultImages: { 'nvidia.com/gpu': 'vllm/vllm-openai:v0.11.0' },
    port: 8000,
    healthPath: '/health',
    livenessPath: '/health',
    openaiBasePath: '/v1',
    supportsAdapters: true,
    modelSchemes: ['hf', 'pvc', 's3'],
    adapterSchemes: ['hf', 'pvc'],
    // vLLM runs its engine core in a separate process and moves tensors through shared memory.
    sharedMemory: 'always',
    requiresImage: false,
    runsOnCpu: false,
    acceptsArgs: true,
    cachePath: '/cache',
    toolCalling: 'parser',
  },
  sglang: {
    kind: 'sglang',
    defaultImages: { 'nvidia.com/gpu': 'lmsysorg/sglang:v0.5.9' },
    port: 30000,
    healthPath: '/health',
    livenessPath: '/health',
    openaiBasePath: '/v1',
    supportsAdapters: true,
    modelSchemes: ['hf', 'pvc', 's3'],
    adapterSchemes: ['hf', 'pvc'],
    sharedMemory: 'always',
    requiresImage: false,
    runsOnCpu: false,
    acceptsArgs: true,
    cachePath: '/cache',
    toolCalling: 'parser',
  },
  llamacpp: {
    kind: 'llamacpp',
    defaultImages: {
      cpu: 'ghcr.io/ggml-org/llama.cpp:server',
      'nvidia.com/gpu': 'ghcr.io/ggml-org/llama.cpp:server-cuda',
      'amd.com/gpu': 'ghcr.io/ggml-org/llama.cpp:server-rocm',
    },
    port: 8080,
    healthPath: '/health',
    livenessPath: '/health',
    openaiBasePath: '/v1',
    // llama-server applies --lora adapters to every request (or by numeric id in its own API);
    // none can be chosen through the OpenAI `model` field, so the router could not address them.
    supportsAdapters: false,
    modelSchemes: ['hf', 'pvc'],
    adapterSchemes: [],
    sharedMemory: 'never',
    requiresImage: false,
    runsOnCpu: true,
    acceptsArgs: true,
    cachePath: '/cache',
    toolCalling: 'chat-template',
  },
  ollama: {
    kind: 'ollama',
    defaultImages: {
      cpu: 'ollama/ollama:0.13.5',
      'nvidia.com/gpu': 'ollama/ollama:0.13.5',
      'amd.com/gpu': 'ollama/ollama:0.13.5-rocm',
    },
    port: 11434,
    healthPath: '/api/version',
    livenessPath: '/api/version',
    openaiBasePath: '/v1',
    supportsAdapters: false,
    modelSchemes: ['ollama', 'hf'],
    adapterSchemes: [],
    sharedMemory: 'never',
    requiresImage: false,
    runsOnCpu: true,
    acceptsArgs: false,
    cachePath: '/cache',
    toolCalling: 'native',
  },
  tgi: {
    kind: 'tgi',
    defaultImages: {
      'nvidia.com/gpu': 'ghcr.io/huggingface/text-generation-inference:3.3.4',
      'amd.com/gpu': 'ghcr.io/huggingface/text-generation-inference:3.3.4-rocm',
    },
    port: 3000,
    healthPath: '/health',
    livenessPath: '/health',
    openaiBasePath: '/v1',
    supportsAdapters: true,
    modelSchemes: ['hf', 'pvc'],
    adapterSchemes: ['hf', 'pvc'],
    // TGI's shards talk over NCCL, which uses /dev/shm; a single shard needs none.
    sharedMemory: 'when-sharded',
    requiresImage: false,
    runsOnCpu: false,
    acceptsArgs: true,
    cachePath: '/cache',
    toolCalling: 'native',
  },
  nim: {
    kind: 'nim',
    defaultImages: {},
    port: 8000,
    healthPath: '/v1/health/ready',
    livenessPath: '/v1/health/live',
    openaiBasePath: '/v1',
    // NIM loads LoRA from a directory tree (NIM_PEFT_SOURCE), not from a list of sources: left out.
    supportsAdapters: false,
    modelSchemes: ['ngc', 'hf', 's3', 'pvc'],
    adapterSchemes: [],
    sharedMemory: 'always',
    requiresImage: true,
    runsOnCpu: false,
    // NIM takes its settings from NIM_* variables; its command line differs between releases.
    acceptsArgs: false,
    // NIM's documented cache directory; the image runs as a non-root user, and emptyDirs are writable.
    cachePath: '/opt/nim/.cache',
    toolCalling: 'parser',
  },
};

export function engineProfile(kind: PodEngineKind): EngineProfile {
  return profiles[kind];
}
