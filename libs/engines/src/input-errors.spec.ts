import { describe, expect, it } from 'vitest';
import type { EngineContainerInput } from './engine-input.js';
import { inputFor } from './inputs.fixture.js';
import { renderEngine } from './render-engine.js';

describe('renderEngine refuses impossible input, naming the field', () => {
  it.each<[string, EngineContainerInput, string | RegExp]>([
    [
      'an engine that runs no pod',
      { ...inputFor('vllm'), kind: 'openai' as never },
      'kind "openai" calls an external URL',
    ],
    [
      'an ollama:// model on vllm',
      inputFor('vllm', { model: { uri: 'ollama://qwen2.5', servedName: 'q' } }),
      'model.uri: vllm cannot load ollama:// models; it loads hf://, pvc://, s3://.',
    ],
    [
      's3:// on tgi',
      inputFor('tgi', { model: { uri: 's3://bucket/m', servedName: 'm' } }),
      'model.uri: tgi cannot load s3:// models',
    ],
    [
      's3:// on llamacpp',
      inputFor('llamacpp', { model: { uri: 's3://bucket/m.gguf', servedName: 'm' } }),
      'model.uri: llamacpp cannot load s3://',
    ],
    [
      'pvc:// on ollama',
      inputFor('ollama', { model: { uri: 'pvc://w/m', servedName: 'm' } }),
      'model.uri: ollama cannot load pvc://',
    ],
    [
      'ngc:// outside nim',
      inputFor('sglang', { model: { uri: 'ngc://nim/meta/llama:1', servedName: 'l' } }),
      'model.uri: sglang cannot load ngc://',
    ],
    [
      'a GGUF tag on vllm',
      inputFor('vllm', { model: { uri: 'hf://org/m:Q4_K_M', servedName: 'm' } }),
      'model.uri: vllm loads whole repositories; drop ":Q4_K_M"',
    ],
    [
      'an unknown scheme',
      inputFor('vllm', { model: { uri: 'gs://bucket/m', servedName: 'm' } }),
      'model.uri has the unknown scheme "gs://"',
    ],
    [
      'a model that is not a URI',
      inputFor('vllm', { model: { uri: 'Qwen/Qwen2.5', servedName: 'q' } }),
      'model.uri must be a URI',
    ],
    [
      'adapters on llamacpp',
      inputFor('llamacpp', { adapters: [{ name: 'a', uri: 'hf://o/a' }] }),
      'adapters: llamacpp cannot serve LoRA adapters',
    ],
    [
      'adapters on ollama',
      inputFor('ollama', { adapters: [{ name: 'a', uri: 'hf://o/a' }] }),
      'adapters: ollama cannot serve LoRA adapters',
    ],
    [
      'adapters on nim',
      inputFor('nim', { adapters: [{ name: 'a', uri: 'hf://o/a' }] }),
      'adapters: nim cannot serve LoRA adapters',
    ],
    [
      'an s3:// adapter',
      inputFor('vllm', { adapters: [{ name: 'a', uri: 's3://bucket/a' }] }),
      'adapters[0].uri: vllm loads adapters from hf://, pvc://, not s3://.',
    ],
    [
      'a tagged adapter',
      inputFor('vllm', { adapters: [{ name: 'a', uri: 'hf://o/a:v1' }] }),
      'adapters[0].uri: an adapter is a whole repository',
    ],
    [
      'an adapter named like the base model',
      inputFor('vllm', { adapters: [{ name: 'qwen-small', uri: 'hf://o/a' }] }),
      'adapters[0].name "qwen-small" is already used',
    ],
    [
      'two adapters with one name',
      inputFor('vllm', {
        adapters: [
          { name: 'a', uri: 'hf://o/a' },
          { name: 'a', uri: 'hf://o/b' },
        ],
      }),
      'adapters[1].name "a" is already used',
    ],
    [
      'an adapter name with =',
      inputFor('sglang', { adapters: [{ name: 'a=b', uri: 'hf://o/a' }] }),
      'adapters[0].name must be',
    ],
    ['nim without an image', inputFor('nim', { image: undefined }), 'image is required for nim'],
    [
      'vllm on a GPU without a default image',
      inputFor('vllm', { gpuResourceName: 'amd.com/gpu' }),
      'image is required for vllm on amd.com/gpu',
    ],
    ['vllm without a GPU', inputFor('vllm', { gpuCount: 0 }), 'gpuCount: vllm needs at least one GPU'],
    ['a fractional GPU count', inputFor('vllm', { gpuCount: 0.5 }), 'gpuCount must be a whole number'],
    [
      'zero concurrency',
      inputFor('vllm', { maxConcurrency: 0 }),
      'maxConcurrency must be a whole number of at least 1',
    ],
    [
      'a GPU resource without a domain',
      inputFor('vllm', { gpuResourceName: 'gpu' }),
      'gpuResourceName must be a domain-qualified resource',
    ],
    [
      'a served name with a colon',
      inputFor('vllm', { model: { uri: 'hf://o/m', servedName: 'm:latest' } }),
      'model.servedName must be',
    ],
    ['a bad memory quantity', inputFor('vllm', { memory: '16 GB' }), 'memory must be a Kubernetes quantity'],
    [
      'a bad Secret name',
      inputFor('vllm', { credentials: { secretName: 'Hub_Tokens', key: 'hf' } }),
      'credentials.secretName must be a Secret name',
    ],
    [
      'args for ollama',
      inputFor('ollama', { extraArgs: ['--verbose'] }),
      'engine.args: ollama is configured through engine.env',
    ],
    [
      'args for nim',
      inputFor('nim', { extraArgs: ['--max-num-seqs', '8'] }),
      'engine.args: nim is configured through engine.env',
    ],
    [
      'an env var that replaces the port',
      inputFor('ollama', { env: [{ name: 'OLLAMA_HOST', value: '127.0.0.1:1' }] }),
      'env[0].name OLLAMA_HOST is set by slm-fleet',
    ],
    [
      'an invalid env var name',
      inputFor('vllm', { env: [{ name: 'A=B', value: 'x' }] }),
      'env[0].name "A=B" is not a valid variable name',
    ],
    [
      'a pvc path climbing out of the mount',
      inputFor('vllm', { model: { uri: 'pvc://w/../etc', servedName: 'm' } }),
      'model.uri has an invalid path segment ".."',
    ],
    [
      'an uppercase claim',
      inputFor('vllm', { model: { uri: 'pvc://Weights/m', servedName: 'm' } }),
      'model.uri must start with pvc://<claim>',
    ],
  ])('%s', (_case, input, message) => {
    expect(() => renderEngine(input)).toThrow(message);
  });
});
