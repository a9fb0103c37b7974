// Fallback to a large model, end to end: real router, workers and Redis, Specialists and
// AgentTasks in the real API server. Engine simulators stand in for the specialist (its fault
// switches make it fail, answer off-schema or with low logprobs) and for the large model (the
// large-model profile). Each trigger fires, and only it; the answer names who answered and why.
import { status } from '@grpc/grpc-js';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  INVOICE_SCHEMA,
  RouterClient,
  failureOf,
  setSimFaults,
  simStats,
  simSpecialist,
  spawnFleet,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

/** An AgentTask on the `small` specialist whose fallback is the `llm` Specialist. */
const fallbackTask = (name: string, when: string, extra = '', specialist = 'small') => `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: ${name}}
spec:
  specialists: [{name: ${specialist}}]
  timeoutMs: 20000
  retries: 0
  fallback:
    specialist: llm
    when: ${when}
${extra}`;

const largeModelSpecialist = (url: string) => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: llm}
spec:
  model: {uri: gpt-sim}
  engine: {kind: openai, url: '${url}', maxConcurrency: 16}
  tasks: [ask-llm]
`;

describe('fallback to a large model', () => {
  const env = useSuiteEnv('fallback');
  const processes: FleetProcess[] = [];
  let small: FleetProcess;
  let slow: FleetProcess;
  let large: FleetProcess;
  let router: FleetProcess;
  let client: RouterClient;
  let openai: OpenAI;

  const faults = setSimFaults;
  const requests = async (engine: FleetProcess): Promise<number> => (await simStats(engine)).requests;
  const readyReplicas = (name: string, count: number) =>
    env().kubectl(
      'patch',
      'specialist',
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { readyReplicas: count } }),
    );

  beforeAll(async () => {
    await installCrds(env());
    small = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    large = await spawnFleet('engine-sim', ['engine-sim', '--model', 'gpt-sim', '--profile', 'large-model']);
    slow = await startSimulator({ ttft: '300ms', tpot: '1ms', outputTokens: 4 });
    processes.push(small, slow, large);
    await env().apply(simSpecialist('small', ['small-direct']));
    await env().apply(simSpecialist('slow', ['slow-direct']).replace('maxConcurrency: 8', 'maxConcurrency: 1'));
    await env().apply(simSpecialist('cold', ['cold-direct']));
    await env().apply(largeModelSpecialist(`http://127.0.0.1:${large.port}/v1`));
    await env().apply(
      fallbackTask(
        'extract',
        '{schemaFailure: true, specialistError: true}',
        `  output: {jsonSchema: ${JSON.stringify(INVOICE_SCHEMA)}}`,
      ),
    );
    await env().apply(
      fallbackTask(
        'errors-only',
        '{schemaFailure: false, specialistError: true}',
        `  output: {jsonSchema: ${JSON.stringify(INVOICE_SCHEMA)}}`,
      ),
    );
    await env().apply(
      fallbackTask(
        'schema-only',
        '{schemaFailure: true, specialistError: false}',
        `  output: {jsonSchema: ${JSON.stringify(INVOICE_SCHEMA)}}`,
      ),
    );
    await env().apply(fallbackTask('confident', '{minMeanLogprob: -1.5}'));
    await env().apply(fallbackTask('cold-start', '{noReadySpecialistMs: 300}', '', 'cold'));
    await env().apply(fallbackTask('bursty', '{overflow: true}', '  targetLatencyMs: 1000', 'slow'));
    await env().apply(fallbackTask('bounded-wait', '{queueDelayMs: 500}', '', 'slow'));
    await env().apply(
      fallbackTask(
        'repaired',
        '{schemaFailure: true, repairFirst: true}',
        `  output: {jsonSchema: ${JSON.stringify(INVOICE_SCHEMA)}}`,
      ),
    );
    await readyReplicas('small', 1);
    await readyReplicas('cold', 0);
    await readyReplicas('slow', 1);
    processes.push(await startWorker(env(), 'small', small));
    processes.push(await startWorker(env(), 'slow', slow, ['--concurrency', '1']));
    processes.push(
      await spawnFleet('worker', [
        'worker',
        '--specialist',
        `${env().namespace}/llm`,
        '--engine-url',
        `http://127.0.0.1:${large.port}/v1`,
        '--model',
        'gpt-sim',
        '--redis-url',
        env().redisUrl,
        '--queue-prefix',
        env().queuePrefix,
      ]),
    );
    router = await startRouter(env());
    processes.push(router);
    client = new RouterClient(router.grpcPort);
    openai = new OpenAI({ baseURL: `http://127.0.0.1:${router.port}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  beforeEach(async () => {
    await faults(small, { errorRate: 0, offSchemaRate: 0, lowConfidenceRate: 0 });
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('answers from the specialist while it is healthy, and says so', async () => {
    const response = await client.invoke({ task: 'extract', prompt: 'Invoice: 12 EUR' });
    expect(response.answeredBy).toMatchObject({
      specialist: `${env().namespace}/small`,
      tier: 'specialist',
      fallbackReason: '',
    });
    const { response: http } = await openai.chat.completions
      .create({ model: 'extract', messages: [{ role: 'user', content: 'Invoice: 3 USD' }] })
      .withResponse();
    expect(http.headers.get('x-slm-answered-by')).toBe(`${env().namespace}/small`);
    expect(http.headers.get('x-slm-tier')).toBe('specialist');
    expect(http.headers.get('x-slm-fallback-reason')).toBeNull();
  });

  it('falls back when the specialist fails after its retries, only where the task names that trigger', async () => {
    await faults(small, { errorRate: 1 });
    const response = await client.invoke({ task: 'extract', prompt: 'Invoice: 12 EUR' });
    expect(response.answeredBy).toMatchObject({
      specialist: `${env().namespace}/llm`,
      model: 'gpt-sim',
      tier: 'fallback',
      fallbackReason: 'specialist_error',
    });
    expect(response.json).toEqual({ total: expect.any(Number), currency: expect.stringMatching(/EUR|USD/) });
    const refused = await failureOf(client.invoke({ task: 'schema-only', prompt: 'Invoice: 12 EUR' }));
    expect(refused).toMatchObject({ code: status.UNAVAILABLE, reason: 'SPECIALIST_FAILED' });
  });

  it('falls back on output that breaks the schema, only where the task names that trigger', async () => {
    await faults(small, { offSchemaRate: 1 });
    const { data, response: http } = await openai.chat.completions
      .create({ model: 'extract', messages: [{ role: 'user', content: 'Invoice: 12 EUR' }] })
      .withResponse();
    expect(http.headers.get('x-slm-tier')).toBe('fallback');
    expect(http.headers.get('x-slm-fallback-reason')).toBe('invalid_output');
    expect(http.headers.get('x-slm-answered-by')).toBe(`${env().namespace}/llm`);
    expect(JSON.parse(data.choices[0]?.message.content ?? '')).toMatchObject({ total: expect.any(Number) });
    const refused = await failureOf(client.invoke({ task: 'errors-only', prompt: 'Invoice: 12 EUR' }));
    expect(refused).toMatchObject({ code: status.FAILED_PRECONDITION, reason: 'OUTPUT_SCHEMA_MISMATCH' });
  });

  it('falls back on low confidence, and returns no logprobs the caller did not ask for', async () => {
    const confident = await client.invoke({ task: 'confident', prompt: 'Say something.' });
    expect(confident.answeredBy?.tier).toBe('specialist');
    expect(confident.logprobs).toEqual([]);
    await faults(small, { lowConfidenceRate: 1 });
    const unsure = await client.invoke({ task: 'confident', prompt: 'Say something.' });
    expect(unsure.answeredBy).toMatchObject({ tier: 'fallback', fallbackReason: 'low_confidence' });
    expect(unsure.logprobs).toEqual([]);
    // The other tasks name no confidence trigger: the same specialist answers them.
    const other = await client.invoke({ task: 'extract', prompt: 'Invoice: 12 EUR' });
    expect(other.answeredBy?.tier).toBe('specialist');
  });

  it('falls back when no replica is ready in time, taking the call back from the empty queue', async () => {
    const response = await client.invoke({ task: 'cold-start', prompt: 'hello' });
    expect(response.answeredBy).toMatchObject({ tier: 'fallback', fallbackReason: 'no_ready_replica' });
    const connection = new Redis(env().redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(`{${env().namespace}.cold}`, { connection, prefix: env().queuePrefix });
    try {
      expect(await queue.getJobCounts('wait', 'prioritized', 'active')).toEqual({ wait: 0, prioritized: 0, active: 0 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });

  it('sends only the excess of a burst to the fallback (overflow, predicted when each call arrives)', async () => {
    // One call first: the router learns the specialist's service time (about 300 ms).
    expect((await client.invoke({ task: 'bursty', prompt: 'warm up' })).answeredBy?.tier).toBe('specialist');
    // One replica taking one call at a time: within 1000 ms it can finish about three.
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.invoke({ task: 'bursty', prompt: `burst ${i}` })),
    );
    const tiers = burst.map((answer) => `${answer.answeredBy?.tier}:${answer.answeredBy?.fallbackReason}`);
    expect(tiers.filter((t) => t === 'specialist:').length).toBeGreaterThanOrEqual(1);
    expect(tiers.filter((t) => t === 'fallback:overflow').length).toBeGreaterThanOrEqual(5);
    expect(tiers.filter((t) => t !== 'specialist:' && t !== 'fallback:overflow')).toEqual([]);
    // The burst is over: calls return to the specialist (once the router has read the queue again).
    await eventually(async () => {
      expect((await client.invoke({ task: 'bursty', prompt: 'after' })).answeredBy?.tier).toBe('specialist');
    });
  });

  it('sends a call whose predicted queue wait passes queueDelayMs to the fallback', async () => {
    expect((await client.invoke({ task: 'bounded-wait', prompt: 'warm up' })).answeredBy?.tier).toBe('specialist');
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.invoke({ task: 'bounded-wait', prompt: `wait ${i}` })),
    );
    const reasons = burst.map((answer) => answer.answeredBy?.fallbackReason);
    expect(reasons.filter((r) => r === '').length).toBeGreaterThanOrEqual(1);
    expect(reasons.filter((r) => r === 'queue_delay').length).toBeGreaterThanOrEqual(3);
    expect(reasons.filter((r) => r !== '' && r !== 'queue_delay')).toEqual([]);
  });

  it('asks the specialist once more with the validation error before falling back (repairFirst)', async () => {
    await faults(small, { offSchemaRate: 1 });
    const [smallBefore, largeBefore] = [await requests(small), await requests(large)];
    const response = await client.invoke({ task: 'repaired', prompt: 'Invoice: 9 EUR' });
    expect(response.answeredBy).toMatchObject({ tier: 'fallback', fallbackReason: 'invalid_output' });
    expect((await requests(small)) - smallBefore).toBe(2);
    expect((await requests(large)) - largeBefore).toBe(1);
  });

  it("keeps the caller's deadline: a hung specialist is a timeout, not a trigger the task did not name", async () => {
    await faults(small, { hangRate: 1 });
    try {
      const before = await requests(large);
      const failure = await failureOf(
        client.invoke({ task: 'extract', prompt: 'Invoice: 1 EUR' }, { deadlineMs: 1500 }),
      );
      expect(failure.code).toBe(status.DEADLINE_EXCEEDED);
      expect(await requests(large)).toBe(before);
    } finally {
      await faults(small, { hangRate: 0 });
    }
  });

  it('runs a retried call at most once per tier (same idempotency key)', async () => {
    await faults(small, { errorRate: 1 });
    const before = await requests(large);
    const first = await client.invoke({ task: 'extract', prompt: 'Invoice: 5 EUR', idempotencyKey: 'fb-1' });
    const again = await client.invoke({ task: 'extract', prompt: 'Invoice: 5 EUR', idempotencyKey: 'fb-1' });
    expect(first.answeredBy?.tier).toBe('fallback');
    expect(again.output).toBe(first.output);
    expect(again.callId).toBe(first.callId);
    expect((await requests(large)) - before).toBe(1);
  });

  it('streams from the fallback when the specialist failed before sending anything', async () => {
    await faults(small, { errorRate: 1 });
    const stream = await openai.chat.completions
      .create({ model: 'extract', stream: true, messages: [{ role: 'user', content: 'Invoice: 7 USD' }] })
      .withResponse();
    expect(stream.response.headers.get('x-slm-fallback-reason')).toBe('specialist_error');
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(JSON.parse(text)).toMatchObject({ currency: expect.stringMatching(/EUR|USD/) });
  });
});
