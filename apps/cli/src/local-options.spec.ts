import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { localOptions, parseEnvName, parseLlmUrl, type LocalCommandOptions } from './local-options.js';

/** Parses `slm-fleet local <args>` with local mode's own options, in the given environment. */
function parse(args: string[], env: Record<string, string> = {}): LocalCommandOptions {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    const command = new Command().exitOverride();
    for (const option of localOptions()) command.addOption(option);
    return command.parse(args, { from: 'user' }).opts<LocalCommandOptions>();
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('local mode: the large-model flags', () => {
  it('defaults to a simulator, the key read from SLM_FLEET_LLM_API_KEY', () => {
    const options = parse([]);
    expect(options.llmUrl).toBeUndefined();
    expect(options.llmModel).toBeUndefined();
    expect(options.llmApiKeyEnv).toBe('SLM_FLEET_LLM_API_KEY');
  });

  it('takes an endpoint, a model and the name of the key variable, from flags or the environment', () => {
    const options = parse([
      '--llm-url',
      'https://api.openai.com/v1',
      '--llm-model',
      'gpt-4o-mini',
      '--llm-api-key-env',
      'OPENAI_API_KEY',
    ]);
    expect(options).toMatchObject({
      llmUrl: 'https://api.openai.com/v1',
      llmModel: 'gpt-4o-mini',
      llmApiKeyEnv: 'OPENAI_API_KEY',
    });
    const fromEnv = parse([], { SLM_FLEET_LLM_URL: 'http://127.0.0.1:8000/v1', SLM_FLEET_LLM_MODEL: 'qwen' });
    expect(fromEnv).toMatchObject({ llmUrl: 'http://127.0.0.1:8000/v1', llmModel: 'qwen' });
  });

  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1'],
    ['http://localhost:11434/v1', 'http://localhost:11434/v1'],
    ['', ''],
  ])('accepts --llm-url %j', (value, parsed) => {
    expect(parseLlmUrl(value)).toBe(parsed);
  });

  it.each([
    ['api.openai.com/v1', /must be an http:\/\/ or https:\/\/ URL/],
    ['ftp://host/v1', /must be an http:\/\/ or https:\/\/ URL/],
    ['https://user:sk-secret@api.example.com/v1', /must not hold credentials: put the API key in the variable/],
  ])('refuses --llm-url %j', (value, message) => {
    expect(() => parseLlmUrl(value)).toThrow(message);
  });

  it('never echoes credentials given in --llm-url', () => {
    expect(() => parseLlmUrl('https://user:sk-secret@api.example.com/v1')).not.toThrow(/sk-secret/);
  });

  it.each([
    ['OPENAI_API_KEY', true],
    ['_KEY1', true],
    ['1KEY', false],
    ['MY-KEY', false],
    ['', false],
  ])('takes %j as a variable name: %s', (value, ok) => {
    if (ok) expect(parseEnvName(value)).toBe(value);
    else expect(() => parseEnvName(value)).toThrow(/--llm-api-key-env must name an environment variable/);
  });
});
