import { describe, expect, it } from 'vitest';
import { inputFor } from './inputs.fixture.js';
import { renderEngine } from './render-engine.js';

const credentials = { secretName: 'hub-tokens', key: 'hf' };
const fromSecret = { secretKeyRef: { name: 'hub-tokens', key: 'hf' } };

describe('model credentials', () => {
  it.each(['vllm', 'sglang', 'tgi', 'llamacpp', 'nim'] as const)(
    '%s reads HF_TOKEN from the Secret for hf:// models, never as a literal',
    (kind) => {
      const { env } = renderEngine(inputFor(kind, { credentials })).container;
      const token = env?.find((variable) => variable.name === 'HF_TOKEN');
      expect(token).toEqual({ name: 'HF_TOKEN', valueFrom: fromSecret });
      expect(token?.value).toBeUndefined();
    },
  );

  it('passes the token when only an adapter comes from the hub', () => {
    const { env } = renderEngine(
      inputFor('vllm', {
        model: { uri: 'pvc://weights/base', servedName: 'b' },
        adapters: [{ name: 'a', uri: 'hf://acme/private-lora' }],
        credentials,
      }),
    ).container;
    expect(env).toContainEqual({ name: 'HF_TOKEN', valueFrom: fromSecret });
  });

  it('gives nim NGC_API_KEY for ngc:// models', () => {
    const { env } = renderEngine(
      inputFor('nim', { model: { uri: 'ngc://nim/meta/llama:1', servedName: 'l' }, credentials }),
    ).container;
    expect(env).toContainEqual({ name: 'NGC_API_KEY', valueFrom: fromSecret });
    expect(env?.some((variable) => variable.name === 'HF_TOKEN')).toBe(false);
  });

  it('adds nothing for public hub models without credentials', () => {
    const { env } = renderEngine(inputFor('vllm')).container;
    expect(env?.some((variable) => variable.valueFrom !== undefined)).toBe(false);
  });

  it.each([
    [
      'ngc:// without credentials',
      inputFor('nim', { model: { uri: 'ngc://nim/meta/llama:1', servedName: 'l' } }),
      /credentials are required for ngc:\/\//,
    ],
    [
      'a pvc:// model with credentials',
      inputFor('vllm', { model: { uri: 'pvc://w/base', servedName: 'b' }, credentials }),
      /^credentials: vllm loading pvc:\/\/ takes no token/,
    ],
    [
      'an s3:// model with credentials',
      inputFor('vllm', { model: { uri: 's3://bucket/m', servedName: 'm' }, credentials }),
      /cloud identity/,
    ],
    ['ollama with credentials', inputFor('ollama', { credentials }), /^credentials: ollama/],
  ])('rejects %s', (_case, input, message) => {
    expect(() => renderEngine(input)).toThrow(message);
  });

  it('refuses a literal env var that would shadow the token', () => {
    const input = inputFor('vllm', { credentials, env: [{ name: 'HF_TOKEN', value: 'hf_literal' }] });
    expect(() => renderEngine(input)).toThrow('env[0].name HF_TOKEN is set by slm-fleet');
  });

  it('never names the token value in an error', () => {
    const input = inputFor('vllm', { credentials, env: [{ name: 'HF_TOKEN', value: 'hf_s3cret' }] });
    expect(() => renderEngine(input)).not.toThrow(/hf_s3cret/);
  });
});
