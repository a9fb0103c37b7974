import type { PodEngineKind } from './engine-kind.js';

/** What a Specialist says about its engine, after defaults; renderEngine turns it into a container. */
export interface EngineContainerInput {
  kind: PodEngineKind;
  /** Overrides the profile's default image; required for NIM and for accelerators without a default. */
  image?: string;
  /** The user's engine.args, appended after the generated ones (so a repeated flag overrides ours). */
  extraArgs?: string[];
  /** Literal settings only: anything secret goes through `credentials`. */
  env?: { name: string; value: string }[];
  model: {
    /** hf://org/name[:tag], s3://bucket/path, pvc://claim/path, ollama://name[:tag] or ngc://... */
    uri: string;
    /** The OpenAI `model` name the worker sends for the base model. */
    servedName: string;
  };
  /** LoRA adapters on the shared base model; each is served under its own name. */
  adapters: { name: string; uri: string }[];
  /**
   * The engine's tool-call parser (vLLM, SGLang, NIM), or `none` for no tool calling (also
   * llama.cpp's only value). Unset: a default from the model family; see toolCallingOf.
   */
  toolCallParser?: string;
  /** How many requests the engine may run at once (its batch size / parallel slots). */
  maxConcurrency: number;
  /** GPUs for this engine; 0 runs on CPU (llamacpp and ollama only). Above 1, the model is sharded. */
  gpuCount: number;
  /** The GPU's extended resource, from the GPU profile; defaults to nvidia.com/gpu. */
  gpuResourceName?: string;
  /** A Secret key holding the hub token (HF_TOKEN for hf://, NGC_API_KEY for ngc://). */
  credentials?: { secretName: string; key: string };
  /** Requested CPU, e.g. "4" or "500m". */
  cpu?: string;
  /** Requested and limited memory, e.g. "24Gi". */
  memory?: string;
}
