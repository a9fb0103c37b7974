import { describe, expect, it } from 'vitest';
import type { Specialist } from '@slm-fleet/api';
import {
  describeLargeModelEngine,
  largeModelSettings,
  largeModelWorkers,
  planEngine,
  type EnginePlanInput,
} from './large-model.js';

const specialist = (name: string, spec: Record<string, unknown>): Specialist =>
  ({
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'Specialist',
    metadata: { name, namespace: 'local' },
    spec: { tasks: ['t'], scaling: { minReplicas: 1, maxReplicas: 1 }, ...spec },
  }) as unknown as Specialist;

const small = specialist('small', {
  model: { uri: 'hf://Qwen/Qwen2.5-1.5B-Instruct', servedName: 'qwen2.5:1.5b' },
  engine: { kind: 'vllm', maxConcurrency: 4 },
});
const large = specialist('large-model', {
  model: { uri: 'gpt-4o-mini' },
  engine: {
    kind: 'openai',
    url: 'https://api.openai.com/v1',
    secretRef: { name: 'llm-api-key', key: 'apiKey' },
    maxConcurrency: 16,
    limits: { requestsPerMinute: 500, tokensPerMinute: 200000 },
  },
});

const input = (extra: Partial<EnginePlanInput> = {}): EnginePlanInput => ({
  largeModel: {},
  llmApiKeyEnv: 'SLM_FLEET_LLM_API_KEY',
  simulatorExtraArgs: ['--ttft', '40ms'],
  simulatorKey: 'generated',
  ...extra,
});

// Every child drops the user's key variable and an inherited worker key.
const hidden = { SLM_FLEET_LLM_API_KEY: undefined, SLM_FLEET_ENGINE_API_KEY: undefined };

describe('largeModelWorkers', () => {
  const withScaling = (replicas: number | undefined, minReplicas: number, maxReplicas: number) =>
    ({
      ...large,
      spec: { ...large.spec, replicas, scaling: { ...large.spec.scaling, minReplicas, maxReplicas } },
    }) as Specialist;
  it.each([
    [undefined, 1, 1, 1],
    [1, 1, 1, 1],
    [3, 1, 4, 3],
    [9, 1, 4, 4],
    [undefined, 2, 4, 2],
    [0, 2, 4, 2],
  ])('runs replicas %s within %s..%s as %s', (replicas, min, max, workers) =>
    expect(largeModelWorkers(withScaling(replicas, min, max))).toBe(workers),
  );
});

describe('planEngine', () => {
  it('gives a specialist a simulator with its annotation flags, and no key', () => {
    expect(planEngine(small, input())).toEqual({
      simulatorArgs: ['engine-sim', '--model', 'qwen2.5:1.5b', '--max-batch', '4', '--ttft', '40ms'],
      simulatorEnv: hidden,
      model: 'qwen2.5:1.5b',
      workerArgs: [],
      workerEnv: hidden,
    });
  });

  it('points a specialist at --engine-url, never at --llm-url', () => {
    const plan = planEngine(
      small,
      input({ engineUrl: 'http://localhost:11434/v1', largeModel: { llmUrl: 'https://x/v1' } }),
    );
    expect(plan).toMatchObject({ engineUrl: 'http://localhost:11434/v1', workerArgs: [], workerEnv: hidden });
    expect(plan.simulatorArgs).toBeUndefined();
  });

  it('gives an openai Specialist a large-model simulator requiring a key its worker holds, whatever --engine-url', () => {
    const plan = planEngine(large, input({ engineUrl: 'http://localhost:11434/v1' }));
    expect(plan.engineUrl).toBeUndefined();
    expect(plan.simulatorArgs).toEqual([
      'engine-sim',
      '--model',
      'gpt-4o-mini',
      '--max-batch',
      '16',
      '--profile',
      'large-model',
      '--api-key-env',
      'SLM_FLEET_SIM_API_KEY',
      '--ttft',
      '40ms',
    ]);
    expect(plan.simulatorEnv).toEqual({ ...hidden, SLM_FLEET_SIM_API_KEY: 'generated' });
    expect(plan.workerEnv).toEqual({ ...hidden, SLM_FLEET_ENGINE_API_KEY: 'generated' });
    expect(plan.workerArgs).toEqual([
      '--endpoint-concurrency',
      '16',
      '--requests-per-minute',
      '500',
      '--tokens-per-minute',
      '200000',
    ]);
  });

  it('points an openai Specialist at --llm-url with the key in its worker environment only', () => {
    const plan = planEngine(
      large,
      input({
        llmApiKeyEnv: 'OPENAI_API_KEY',
        largeModel: { llmUrl: 'https://api.example.com/v1', llmModel: 'big', llmApiKey: 'sk-test' },
      }),
    );
    expect(plan).toMatchObject({ engineUrl: 'https://api.example.com/v1', model: 'big' });
    expect(plan.simulatorArgs).toBeUndefined();
    expect(plan.workerEnv).toEqual({ OPENAI_API_KEY: undefined, SLM_FLEET_ENGINE_API_KEY: 'sk-test' });
    expect(JSON.stringify(plan.workerArgs)).not.toContain('sk-test');
  });

  it('calls --llm-url without a key when none is set, and the Specialist model when no --llm-model', () => {
    const plan = planEngine(large, input({ largeModel: { llmUrl: 'http://127.0.0.1:8000/v1' } }));
    expect(plan).toMatchObject({ model: 'gpt-4o-mini', workerEnv: hidden });
  });
});

describe('largeModelSettings', () => {
  const options = { llmApiKeyEnv: 'MY_KEY' };
  it.each([
    ['a simulator by default', {}, {}, {}, []],
    [
      'the endpoint with the key of the named variable',
      { llmUrl: 'https://x/v1', llmModel: 'm' },
      { MY_KEY: 'sk-1' },
      { llmUrl: 'https://x/v1', llmModel: 'm', llmApiKey: 'sk-1' },
      [],
    ],
    [
      'the endpoint without a key, with a warning',
      { llmUrl: 'https://x/v1' },
      { MY_KEY: '' },
      { llmUrl: 'https://x/v1' },
      ['MY_KEY is not set: the large model at --llm-url is called without a key'],
    ],
    [
      'a simulator, with a warning, for a key or a model without an endpoint',
      { llmModel: 'm' },
      { MY_KEY: 'sk-1' },
      {},
      [
        'MY_KEY is set but --llm-url is not: the large model is a simulator',
        '--llm-model is set but --llm-url is not: the large model is a simulator',
      ],
    ],
  ])('gives %s', (_, flags, env, settings, warnings) => {
    const result = largeModelSettings({ ...options, ...flags }, env);
    expect(result).toEqual({ settings, warnings });
    expect(JSON.stringify(result.warnings)).not.toContain('sk-1');
  });
});

describe('describeLargeModelEngine', () => {
  it.each([
    [{}, 'simulator (large-model profile)'],
    [{ llmUrl: 'https://x/v1', llmApiKey: 'sk-1' }, 'https://x/v1'],
    [{ llmUrl: 'https://x/v1', llmModel: 'm' }, 'https://x/v1 (model m)'],
  ])('describes %j without the key', (settings, text) => expect(describeLargeModelEngine(settings)).toBe(text));
});
