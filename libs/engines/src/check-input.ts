import { engineRunsInPod } from './engine-kind.js';
import type { EngineContainerInput } from './engine-input.js';
import { describeSchemes, parseModelUri, type ModelSource } from './model-source.js';
import { engineProfile, type EngineProfile } from './profiles.js';
import { toolCallingOf, toolCallParserError, type ToolCalling } from './tool-calling.js';

export interface CheckedAdapter {
  name: string;
  source: ModelSource;
}

/** The input with its URIs parsed and its defaults decided; every field has been validated. */
export interface CheckedInput {
  input: EngineContainerInput;
  profile: EngineProfile;
  /** `cpu`, or the GPU resource the pod requests. */
  accelerator: string;
  image: string;
  model: ModelSource;
  adapters: CheckedAdapter[];
  /** Whether and how the engine starts with tool calling (the parser the launcher passes on). */
  toolCalling: ToolCalling;
}

// No `:` (SGLang addresses adapters as <served>:<adapter>) and no `,` (llama.cpp's alias list).
const servedNamePattern = /^[A-Za-z0-9][\w./-]{0,127}$/;
// Adapter names also appear in `name=path` arguments, so no `=`, `/` or `,` either.
const adapterNamePattern = /^[A-Za-z0-9][\w.-]{0,63}$/;
const gpuResourcePattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-\w.]*[A-Za-z0-9])?$/;
const quantityPattern = /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const secretNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;

export function checkInput(input: EngineContainerInput): CheckedInput {
  if (!engineRunsInPod(input.kind)) {
    throw new Error('kind "openai" calls an external URL: there is no engine container to render.');
  }
  const profile = engineProfile(input.kind);
  if (!profile) throw new Error(`kind "${String(input.kind)}" is not an engine slm-fleet knows.`);
  checkCounts(input, profile);
  const accelerator = input.gpuCount === 0 ? 'cpu' : (input.gpuResourceName ?? 'nvidia.com/gpu');
  if (accelerator !== 'cpu' && !gpuResourcePattern.test(accelerator)) {
    throw new Error(
      `gpuResourceName must be a domain-qualified resource such as nvidia.com/gpu, got "${accelerator}".`,
    );
  }
  if (!servedNamePattern.test(input.model.servedName)) {
    throw new Error(
      `model.servedName must be 1-128 letters, digits, ".", "_", "-" or "/", starting with a letter or digit; got "${input.model.servedName}".`,
    );
  }
  const model = parseModelUri(input.model.uri, 'model.uri');
  if (!profile.modelSchemes.includes(model.scheme)) {
    throw new Error(
      `model.uri: ${input.kind} cannot load ${model.scheme}:// models; it loads ${describeSchemes(profile.modelSchemes)}.`,
    );
  }
  const adapters = checkAdapters(input, profile);
  checkOptionalFields(input, profile);
  const toolCallError = toolCallParserError(input);
  if (toolCallError !== undefined) throw new Error(toolCallError);
  return {
    input,
    profile,
    accelerator,
    image: chooseImage(input, profile, accelerator),
    model,
    adapters,
    toolCalling: toolCallingOf(input),
  };
}

function checkCounts(input: EngineContainerInput, profile: EngineProfile): void {
  if (!Number.isInteger(input.maxConcurrency) || input.maxConcurrency < 1) {
    throw new Error(`maxConcurrency must be a whole number of at least 1, got ${input.maxConcurrency}.`);
  }
  if (!Number.isInteger(input.gpuCount) || input.gpuCount < 0) {
    throw new Error(`gpuCount must be a whole number of at least 0, got ${input.gpuCount}.`);
  }
  if (input.gpuCount === 0 && !profile.runsOnCpu) {
    throw new Error(`gpuCount: ${input.kind} needs at least one GPU; only llamacpp and ollama run on CPU.`);
  }
}

function checkAdapters(input: EngineContainerInput, profile: EngineProfile): CheckedAdapter[] {
  if (input.adapters.length > 0 && !profile.supportsAdapters) {
    throw new Error(`adapters: ${input.kind} cannot serve LoRA adapters by name; use vllm, sglang or tgi.`);
  }
  const seen = new Set<string>([input.model.servedName]);
  return input.adapters.map((adapter, index) => {
    const field = `adapters[${index}]`;
    if (!adapterNamePattern.test(adapter.name)) {
      throw new Error(
        `${field}.name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; got "${adapter.name}".`,
      );
    }
    if (seen.has(adapter.name)) {
      throw new Error(`${field}.name "${adapter.name}" is already used by the base model or another adapter.`);
    }
    seen.add(adapter.name);
    const source = parseModelUri(adapter.uri, `${field}.uri`);
    if (!profile.adapterSchemes.includes(source.scheme)) {
      throw new Error(
        `${field}.uri: ${input.kind} loads adapters from ${describeSchemes(profile.adapterSchemes)}, not ${source.scheme}://.`,
      );
    }
    if (source.scheme === 'hf' && source.tag !== undefined) {
      throw new Error(`${field}.uri: an adapter is a whole repository; drop ":${source.tag}".`);
    }
    return { name: adapter.name, source };
  });
}

function checkOptionalFields(input: EngineContainerInput, profile: EngineProfile): void {
  if (input.extraArgs !== undefined && input.extraArgs.length > 0 && !profile.acceptsArgs) {
    throw new Error(`engine.args: ${input.kind} is configured through engine.env, not command-line arguments.`);
  }
  for (const [field, value] of [
    ['cpu', input.cpu],
    ['memory', input.memory],
  ] as const) {
    if (value !== undefined && !quantityPattern.test(value)) {
      throw new Error(`${field} must be a Kubernetes quantity such as "4", "500m" or "16Gi", got "${value}".`);
    }
  }
  if (input.credentials) {
    if (!secretNamePattern.test(input.credentials.secretName)) {
      throw new Error(`credentials.secretName must be a Secret name, got "${input.credentials.secretName}".`);
    }
    if (!secretKeyPattern.test(input.credentials.key)) {
      throw new Error(`credentials.key must be a Secret data key, got "${input.credentials.key}".`);
    }
  }
  if (input.image !== undefined && !/^\S+$/.test(input.image)) {
    throw new Error(`image must be an image reference without spaces, got "${input.image}".`);
  }
}

function chooseImage(input: EngineContainerInput, profile: EngineProfile, accelerator: string): string {
  if (input.image !== undefined) return input.image;
  if (profile.requiresImage) {
    throw new Error(`image is required for ${input.kind}: each NIM image serves its own model (nvcr.io/nim/...).`);
  }
  const image = profile.defaultImages[accelerator as keyof EngineProfile['defaultImages']];
  if (image === undefined) {
    throw new Error(`image is required for ${input.kind} on ${accelerator}: slm-fleet has no default image for it.`);
  }
  return image;
}
