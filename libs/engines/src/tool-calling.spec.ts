import { describe, expect, it } from 'vitest';
import type { PodEngineKind } from './engine-kind.js';
import type { EngineContainerInput } from './engine-input.js';
import { inputFor } from './inputs.fixture.js';
import { renderEngine } from './render-engine.js';
import { toolCallFamilyOf } from './tool-call-families.js';
import { toolCallingOf } from './tool-calling.js';

const qwen = { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct', servedName: 'qwen-small' };
const unknown = { uri: 'hf://org/house-model-7b', servedName: 'house' };

/** The tool-call part of the rendered command line: everything after the engine's fixed flags. */
function toolArgs(kind: PodEngineKind, overrides: Partial<EngineContainerInput>): string[] {
  const args = renderEngine(inputFor(kind, overrides)).container.args ?? [];
  const from = args.findIndex((arg) =>
    ['--enable-auto-tool-choice', '--tool-call-parser', '--jinja', '--no-jinja'].includes(arg),
  );
  return from === -1 ? [] : args.slice(from);
}

function envOf(kind: PodEngineKind, overrides: Partial<EngineContainerInput>): Record<string, string | undefined> {
  const env = renderEngine(inputFor(kind, overrides)).container.env ?? [];
  return Object.fromEntries(env.map(({ name, value }) => [name, value]));
}

describe('tool calling on the command line', () => {
  it.each<[string, PodEngineKind, Partial<EngineContainerInput>, string[]]>([
    ['vllm, a default family', 'vllm', { model: qwen }, ['--enable-auto-tool-choice', '--tool-call-parser', 'hermes']],
    [
      'vllm, an explicit parser over the default',
      'vllm',
      { model: qwen, toolCallParser: 'pythonic' },
      ['--enable-auto-tool-choice', '--tool-call-parser', 'pythonic'],
    ],
    ['vllm, none', 'vllm', { model: qwen, toolCallParser: 'none' }, []],
    ['vllm, an unknown family', 'vllm', { model: unknown }, []],
    [
      'vllm, an unknown family with a parser',
      'vllm',
      { model: unknown, toolCallParser: 'hermes' },
      ['--enable-auto-tool-choice', '--tool-call-parser', 'hermes'],
    ],
    ['sglang, a default family', 'sglang', { model: qwen }, ['--tool-call-parser', 'qwen25']],
    [
      'sglang, Llama 3.1',
      'sglang',
      { model: { uri: 'hf://meta-llama/Llama-3.1-8B-Instruct', servedName: 'l' } },
      ['--tool-call-parser', 'llama3'],
    ],
    ['sglang, an explicit parser', 'sglang', { model: qwen, toolCallParser: 'qwen' }, ['--tool-call-parser', 'qwen']],
    ['sglang, none', 'sglang', { model: qwen, toolCallParser: 'none' }, []],
    ['sglang, an unknown family', 'sglang', { model: unknown }, []],
    ['llamacpp, unset (any family)', 'llamacpp', {}, ['--jinja']],
    [
      'llamacpp, an unknown family',
      'llamacpp',
      { model: { uri: 'hf://org/house-GGUF:Q4_K_M', servedName: 'h' } },
      ['--jinja'],
    ],
    ['llamacpp, none', 'llamacpp', { toolCallParser: 'none' }, ['--no-jinja']],
    ['tgi, unset', 'tgi', {}, []],
  ])('%s', (_case, kind, overrides, expected) => {
    expect(toolArgs(kind, overrides)).toEqual(expected);
  });

  it('puts the tool flags before the user’s args, so a repeated --tool-call-parser of theirs wins', () => {
    const args = renderEngine(inputFor('vllm', { model: qwen, extraArgs: ['--tool-call-parser', 'x'] })).container.args;
    expect(args?.slice(-5)).toEqual([
      '--enable-auto-tool-choice',
      '--tool-call-parser',
      'hermes',
      '--tool-call-parser',
      'x',
    ]);
  });
});

describe('tool calling through env (nim) and natively (ollama)', () => {
  const passthrough = (overrides: Partial<EngineContainerInput>) => envOf('nim', overrides)['NIM_PASSTHROUGH_ARGS'];

  it.each<[string, Partial<EngineContainerInput>, string | undefined]>([
    [
      'an explicit parser',
      { toolCallParser: 'llama3_json' },
      '--enable-auto-tool-choice --tool-call-parser llama3_json',
    ],
    // NIM has no family default: its image picks the backend, and model-specific NIMs decide themselves.
    ['a family vLLM would default (Llama 3.2), unset', {}, undefined],
    ['an unknown family, unset', { model: unknown }, undefined],
    [
      'the user’s own NIM_PASSTHROUGH_ARGS, after ours',
      { toolCallParser: 'hermes', env: [{ name: 'NIM_PASSTHROUGH_ARGS', value: '--max-model-len 8192' }] },
      '--enable-auto-tool-choice --tool-call-parser hermes --max-model-len 8192',
    ],
    [
      'the user’s NIM_PASSTHROUGH_ARGS alone',
      { env: [{ name: 'NIM_PASSTHROUGH_ARGS', value: '--max-model-len 8192' }] },
      '--max-model-len 8192',
    ],
  ])('nim: %s', (_case, overrides, expected) => {
    expect(passthrough(overrides)).toBe(expected);
  });

  it('nim sets NIM_PASSTHROUGH_ARGS once, not the NIM 1.x variables', () => {
    const env = renderEngine(
      inputFor('nim', { toolCallParser: 'hermes', env: [{ name: 'NIM_PASSTHROUGH_ARGS', value: '-x' }] }),
    ).container.env;
    expect(env?.filter(({ name }) => name === 'NIM_PASSTHROUGH_ARGS')).toHaveLength(1);
    expect(env?.map(({ name }) => name)).not.toContain('NIM_ENABLE_AUTO_TOOL_CHOICE');
  });

  it('nim still refuses NIM_PASSTHROUGH_ARGS listed twice', () => {
    const twice = [
      { name: 'NIM_PASSTHROUGH_ARGS', value: '-a' },
      { name: 'NIM_PASSTHROUGH_ARGS', value: '-b' },
    ];
    expect(() => renderEngine(inputFor('nim', { toolCallParser: 'hermes', env: twice }))).toThrow(
      'env[1].name NIM_PASSTHROUGH_ARGS is set by slm-fleet (or listed twice)',
    );
  });

  it('ollama adds nothing: tools are native per model', () => {
    expect(Object.keys(envOf('ollama', {}))).toEqual([
      'OLLAMA_HOST',
      'OLLAMA_NUM_PARALLEL',
      'OLLAMA_MODELS',
      'OLLAMA_KEEP_ALIVE',
      'SLM_FLEET_PULL_MODEL',
      'SLM_FLEET_SERVED_MODEL',
    ]);
  });
});

describe('refusing a parser the engine cannot use, naming the field', () => {
  it.each<[string, EngineContainerInput, string]>([
    ['a parser on tgi', inputFor('tgi', { toolCallParser: 'hermes' }), 'toolCallParser: tgi calls tools natively'],
    ['none on tgi', inputFor('tgi', { toolCallParser: 'none' }), 'toolCallParser: tgi calls tools natively'],
    [
      'a parser on ollama',
      inputFor('ollama', { toolCallParser: 'hermes' }),
      'toolCallParser: ollama calls tools natively',
    ],
    [
      'a parser on llamacpp',
      inputFor('llamacpp', { toolCallParser: 'hermes' }),
      'toolCallParser: llamacpp takes tool calls from the model\'s chat template (--jinja), not a parser; its only value is "none", got "hermes".',
    ],
    ['none on nim', inputFor('nim', { toolCallParser: 'none' }), 'toolCallParser: "none" changes nothing on nim'],
    [
      'a parser with a space (it would split in NIM_PASSTHROUGH_ARGS)',
      inputFor('nim', { toolCallParser: 'hermes --x' }),
      'toolCallParser must be a parser name',
    ],
    ['an empty parser', inputFor('vllm', { toolCallParser: '' }), 'toolCallParser must be a parser name'],
  ])('%s', (_case, input, message) => {
    expect(() => renderEngine(input)).toThrow(message);
  });
});

describe('toolCallingOf tells the operator what it decided', () => {
  it.each<[string, EngineContainerInput, { enabled: boolean; parser?: string; source: string }, RegExp]>([
    ['a default family', inputFor('vllm'), { enabled: true, parser: 'hermes', source: 'default' }, /Qwen2\.5.*hermes/],
    [
      'the field',
      inputFor('sglang', { toolCallParser: 'pythonic' }),
      { enabled: true, parser: 'pythonic', source: 'field' },
      /names pythonic/,
    ],
    ['none', inputFor('vllm', { toolCallParser: 'none' }), { enabled: false, source: 'field' }, /"none"/],
    [
      'an unknown family',
      inputFor('vllm', { model: unknown }),
      { enabled: false, source: 'none' },
      /no default tool-call parser is known for model "hf:\/\/org\/house-model-7b" on vllm.*set toolCallParser/,
    ],
    [
      'a family without an SGLang parser',
      inputFor('sglang', { model: { uri: 'hf://ibm-granite/granite-3.1-8b-instruct', servedName: 'g' } }),
      { enabled: false, source: 'none' },
      /Granite 3\.1\+ has no sglang tool-call parser/,
    ],
    [
      'a family that also needs a chat template',
      inputFor('vllm', { model: { uri: 'hf://Salesforce/Llama-xLAM-2-8b-fc-r', servedName: 'x' } }),
      { enabled: false, source: 'none' },
      /xLAM on vllm needs the xlam parser and the engine's tool chat template/,
    ],
    ['nim, unset', inputFor('nim'), { enabled: false, source: 'none' }, /only when toolCallParser names a parser/],
    ['llamacpp', inputFor('llamacpp'), { enabled: true, source: 'default' }, /--jinja/],
    [
      'llamacpp, none',
      inputFor('llamacpp', { toolCallParser: 'none' }),
      { enabled: false, source: 'field' },
      /--no-jinja/,
    ],
    ['tgi', inputFor('tgi'), { enabled: true, source: 'default' }, /grammar/],
    ['ollama', inputFor('ollama'), { enabled: true, source: 'default' }, /tagged tools/],
    [
      'a refused field (no throw)',
      inputFor('tgi', { toolCallParser: 'hermes' }),
      { enabled: false, source: 'field' },
      /^toolCallParser: tgi calls tools natively/,
    ],
  ])('%s', (_case, input, decision, reason) => {
    const result = toolCallingOf(input);
    expect({ enabled: result.enabled, parser: result.parser, source: result.source }).toEqual({
      parser: undefined,
      ...decision,
    });
    expect(result.reason).toMatch(reason);
  });
});

describe('the model families', () => {
  it.each<[string, string | undefined]>([
    ['hf://Qwen/Qwen2.5-7B-Instruct', 'Qwen2.5, QwQ, Qwen3'],
    ['hf://QWEN/QWEN3-8B', 'Qwen2.5, QwQ, Qwen3'],
    ['hf://Qwen/QwQ-32B', 'Qwen2.5, QwQ, Qwen3'],
    ['hf://Qwen/Qwen3-Coder-30B-A3B-Instruct', 'Qwen3-Coder'],
    ['hf://Qwen/Qwen2.5-Coder-7B-Instruct', undefined],
    ['hf://Qwen/Qwen3.5-35B-A3B', undefined],
    ['hf://NousResearch/Hermes-3-Llama-3.1-8B', 'Hermes 2 Pro / 2 Theta / 3'],
    ['hf://meta-llama/Llama-3.2-3B-Instruct', 'Llama 3.1-3.3'],
    ['pvc://weights/meta-llama-3.1-8b', 'Llama 3.1-3.3'],
    ['hf://meta-llama/Meta-Llama-3-8B-Instruct', undefined],
    ['hf://nvidia/Llama-3.1-Nemotron-Nano-8B-v1', undefined],
    ['hf://Salesforce/Llama-xLAM-2-8b-fc-r', 'xLAM'],
    ['hf://mistralai/Mistral-7B-Instruct-v0.3', 'Mistral'],
    ['hf://mistralai/Ministral-8B-Instruct-2410', 'Mistral'],
    ['hf://ibm-granite/granite-3.3-2b-instruct', 'Granite 3.1+'],
    ['hf://ibm-granite/granite-3.0-8b-instruct', undefined],
    ['hf://microsoft/Phi-4-mini-instruct', 'Phi-4-mini'],
    ['hf://openai/gpt-oss-20b', 'gpt-oss'],
    ['hf://deepseek-ai/DeepSeek-V3-0324', 'DeepSeek-V3'],
    ['hf://deepseek-ai/DeepSeek-V3.1', undefined],
    ['hf://internlm/internlm2_5-7b-chat', 'InternLM 2.5'],
  ])('%s: %s', (uri, family) => {
    expect(toolCallFamilyOf([uri])?.name).toBe(family);
  });

  it('reads the served name when the URI names no family', () => {
    expect(toolCallFamilyOf(['s3://bucket/ft-0042', 'qwen2.5-7b-invoices'])?.name).toBe('Qwen2.5, QwQ, Qwen3');
    expect(toolCallFamilyOf(['hf://Qwen/Qwen2.5-7B-Instruct', 'mistral-named'])?.name).toBe('Qwen2.5, QwQ, Qwen3');
  });
});
