// The AgentTask status the real operator writes for heterogeneous fleets: the shadow's agreement
// from the hash the routers count in Redis (re-read while a shadow is set), the fallback's
// readiness, and adapters or a fallback that do not exist named in the Ready condition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowStatsKey } from '@slm-fleet/queue';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { startOperator, stopOperator, writeOperatorConfig, type OperatorProcess } from './operator-process.js';

const vllm = (name: string, adapters = '[]') => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://Qwen/Qwen2.5-3B-Instruct, adapters: ${adapters}}
  engine: {kind: vllm}
  resources: {gpu: {count: 1}}
  tasks: [extract-invoice]
`;

const task = (spec: string) => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: extract-invoice}
spec:
${spec}`;

describe('AgentTask status: shadow agreement, fallback, adapters', () => {
  const env = useSuiteEnv('agent-task-status');
  let operator: OperatorProcess | undefined;
  const status = async <T>(path: string): Promise<T> =>
    JSON.parse(
      (await env().kubectl('get', 'agenttask', 'extract-invoice', '-o', `jsonpath={.status${path}}`)) || 'null',
    ) as T;
  const ready = () => status<{ status: string; reason: string; message: string }>('.conditions[?(@.type=="Ready")]');

  beforeAll(async () => {
    await installCrds(env());
    operator = await startOperator(env(), await writeOperatorConfig(env(), {}));
    await env().apply(vllm('extractor', '[{name: invoice-lora, uri: "hf://org/invoice-lora"}]'));
    await env().apply(vllm('candidate'));
  });
  afterAll(async () => stopOperator(operator));

  it('shows the agreement the routers counted in Redis, and follows new counts', async () => {
    const key = shadowStatsKey(env().queuePrefix, env().namespace, 'extract-invoice', 'candidate');
    const since = Date.parse('2026-11-20T10:00:00Z');
    await env().redis().hset(key, { since, compared: 10, agreed: 9, schemaValid: 10, shadowFailed: 1 });
    await env().apply(
      task(`  specialists: [{name: extractor, adapter: invoice-lora}]
  shadow: {specialist: candidate, sampleRate: 0.5}`),
    );
    await eventually(async () =>
      expect(await status('.shadow')).toEqual({
        specialist: 'candidate',
        since: '2026-11-20T10:00:00Z',
        compared: 10,
        agreed: 9,
        agreementPercent: 90,
        schemaValidPercent: 100,
        shadowFailed: 1,
      }),
    );
    expect(await env().kubectl('get', 'agenttask', 'extract-invoice')).toMatch(/AGREEMENT.*\n.*\s90\s/);
    // Once the cluster is quiet (no event would reconcile the task), the operator still re-reads
    // the counts while the shadow is set.
    await eventually(async () => expect((await ready()).reason).toBe('SpecialistsReady'));
    await env().redis().hincrby(key, 'compared', 10);
    await eventually(async () => expect(await status('.shadow.agreementPercent')).toBe(45), { timeoutMs: 60_000 });
    expect(
      await env().kubectl('get', 'agenttask', 'extract-invoice', '-o', 'jsonpath={.status.routes[0].adapter}'),
    ).toBe('invoice-lora');
  });

  it('names an adapter its Specialist does not have', async () => {
    await env().apply(
      task(`  specialists: [{name: extractor, adapter: invoice-lora}]
  shadow: {specialist: candidate, sampleRate: 0.5, adapter: candidate-lora}`),
    );
    await eventually(async () =>
      expect(await ready()).toMatchObject({
        status: 'False',
        reason: 'AdapterNotFound',
        message: 'shadow.adapter: Specialist candidate has no adapter candidate-lora (it has no model.adapters)',
      }),
    );
  });

  it('names a fallback that does not exist, and shows the fallback ready once it is', async () => {
    await env().apply(
      task(`  specialists: [{name: extractor}]
  fallback: {specialist: large, when: {noReadySpecialistMs: 1000}}`),
    );
    await eventually(async () =>
      expect(await ready()).toMatchObject({
        reason: 'SpecialistNotFound',
        message: `no Specialist named large (fallback) in namespace ${env().namespace}`,
      }),
    );
    expect(await status('.fallback')).toEqual({ specialist: 'large', ready: false });
    expect(await status('.shadow')).toBeNull();
    await env().apply(vllm('large'));
    await eventually(async () => expect(await status('.fallback')).toEqual({ specialist: 'large', ready: true }));
    await eventually(async () => expect((await ready()).reason).toBe('SpecialistsReady'));
  });
});
