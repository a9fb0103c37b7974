// @slm-fleet/client against the real data plane: the slm-fleet router, worker and engine
// simulator as processes, Specialists in the real API server, Redis. Calls go through a
// `dns:///` target, as in a cluster (here `localhost`, one router).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlmFleetClient, type InvokeStreamChunk } from '@slm-fleet/client';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';
import { engineRequests, failureOf } from './fleet-helpers.js';

interface Invoice {
  number: string;
  total: number;
  currency: 'EUR' | 'USD';
}
const invoiceSchema = {
  type: 'object',
  required: ['number', 'total', 'currency'],
  properties: { number: { type: 'string' }, total: { type: 'number' }, currency: { enum: ['EUR', 'USD'] } },
};

describe('the client against the real router', () => {
  const env = useSuiteEnv('client-calls');
  const processes: FleetProcess[] = [];
  let simulator: FleetProcess;
  let client: SlmFleetClient;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('helper', ['summarize', 'extract-invoice']));
    // No worker serves this one: its calls wait in the queue until their deadline.
    await env().apply(simSpecialist('unstaffed', ['nobody-home']));
    simulator = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(simulator, await startWorker(env(), 'helper', simulator));
    const router = await startRouter(env());
    processes.push(router);
    client = new SlmFleetClient({ target: `dns:///localhost:${router.grpcPort}`, defaultTimeoutMs: 20_000 });
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('invokes a task and returns the answer, who answered, usage and timings', async () => {
    const result = await client.invoke('summarize', { prompt: 'Summarize: the cat sat on the mat.' });
    expect(result.output).not.toBe('');
    expect(result.json).toBeUndefined();
    expect(result.answeredBy).toMatchObject({ specialist: `${env().namespace}/helper`, model: 'sim-model' });
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.timings.totalMs).toBeGreaterThan(0);
    expect(result.callId).not.toBe('');
  });

  it('sends a conversation and a JSON schema, and returns the answer parsed', async () => {
    const result = await client.invoke<Invoice>(
      'extract-invoice',
      {
        messages: [
          { role: 'system', content: 'Extract the invoice fields.' },
          { role: 'user', content: 'Invoice INV-7: 120.50 EUR' },
        ],
        jsonSchema: invoiceSchema,
        parameters: { temperature: 0, maxTokens: 128 },
      },
      { timeoutMs: 10_000 },
    );
    expect(result.json).toEqual({
      number: expect.any(String),
      total: expect.any(Number),
      currency: expect.any(String),
    });
    expect(JSON.parse(result.output)).toEqual(result.json);
  });

  it('streams text deltas that add up to the final result', async () => {
    const chunks: InvokeStreamChunk[] = [];
    for await (const chunk of client.invokeStream('summarize', { prompt: 'Tell me a story.' })) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.type).toBe('done');
    const deltas = chunks.filter((c) => c.type === 'delta').map((c) => c.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(last?.type === 'done' ? last.result.output : undefined);
  });

  it('lists the tasks and where their calls go', async () => {
    const tasks = await client.listTasks();
    expect(tasks.map((t) => t.name)).toEqual(['extract-invoice', 'nobody-home', 'summarize']);
    expect(tasks[0]?.routes).toEqual([{ specialist: `${env().namespace}/helper`, weight: 1, ready: false }]);
  });

  it('runs calls sharing an idempotency key once, and answers each the same', async () => {
    const before = await engineRequests(simulator);
    const idempotencyKey = `order-${Date.now()}`;
    const [first, second] = await Promise.all([
      client.invoke('summarize', { prompt: 'once' }, { idempotencyKey }),
      client.invoke('summarize', { prompt: 'once' }, { idempotencyKey }),
    ]);
    expect(second.callId).toBe(first.callId);
    expect(second.output).toBe(first.output);
    expect(await engineRequests(simulator)).toBe(before + 1);
  });

  it('fails an unknown task with NOT_FOUND, naming the tasks there are, without retrying', async () => {
    const error = await failureOf(client.invoke('no-such-task', { prompt: 'x' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', reason: 'TASK_NOT_FOUND', retryable: false, attempts: 1 });
    expect(error.details).toContain('summarize');
  });

  it('fails a bad argument with INVALID_ARGUMENT naming the field', async () => {
    const hot = await failureOf(client.invoke('summarize', { prompt: 'x', parameters: { temperature: 5 } }));
    expect(hot).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT', retryable: false });
    expect(hot.details).toMatch(/^parameters\.temperature/);
    const key = await failureOf(client.invoke('summarize', { prompt: 'x' }, { idempotencyKey: 'a:b' }));
    expect(key).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(key.details).toMatch(/^idempotency_key/);
  });

  it('fails a call nobody answers with DEADLINE_EXCEEDED at its deadline, unary or streamed', async () => {
    const unary = await failureOf(client.invoke('nobody-home', { prompt: 'x' }, { timeoutMs: 1_500 }));
    expect(unary).toMatchObject({ code: 'DEADLINE_EXCEEDED', retryable: false, attempts: 1 });
    const streamed = client.invokeStream('nobody-home', { prompt: 'x' }, { deadline: new Date(Date.now() + 1_500) });
    const error = await failureOf(
      (async () => {
        for await (const chunk of streamed) expect.unreachable(`no chunk expected, got ${chunk.type}`);
      })(),
    );
    expect(error.code).toBe('DEADLINE_EXCEEDED');
  });

  it('cancels a call when its signal aborts', async () => {
    const controller = new AbortController();
    const call = client.invoke('nobody-home', { prompt: 'x' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await failureOf(call)).toMatchObject({ code: 'CANCELLED', retryable: false });
  });
});
