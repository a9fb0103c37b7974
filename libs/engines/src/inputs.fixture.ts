import type { PodEngineKind } from './engine-kind.js';
import type { EngineContainerInput } from './engine-input.js';

/** A valid input for each engine, for specs to vary one field at a time. */
export function inputFor(kind: PodEngineKind, overrides: Partial<EngineContainerInput> = {}): EngineContainerInput {
  const defaults: Record<PodEngineKind, Pick<EngineContainerInput, 'model' | 'gpuCount'> & { image?: string }> = {
    vllm: { model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct', servedName: 'qwen-small' }, gpuCount: 1 },
    sglang: { model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct', servedName: 'qwen-small' }, gpuCount: 1 },
    tgi: { model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct', servedName: 'qwen-small' }, gpuCount: 1 },
    llamacpp: { model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M', servedName: 'qwen-small' }, gpuCount: 0 },
    ollama: { model: { uri: 'ollama://qwen2.5:1.5b', servedName: 'qwen-small' }, gpuCount: 0 },
    nim: {
      model: { uri: 'hf://meta-llama/Llama-3.2-1B-Instruct', servedName: 'llama-small' },
      gpuCount: 1,
      image: 'nvcr.io/nim/nvidia/llm-nim:2.0.1',
    },
  };
  return { kind, adapters: [], maxConcurrency: 16, ...defaults[kind], ...overrides };
}
