// The worker's calls end to end: a real Redis, BullMQ and the engine simulator.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { decodeCallError, type CallReply } from '@slm-fleet/queue';
import { eventually } from '@slm-fleet/testing';
import { getJson, SIM_MODEL, useWorkerTestBeds, WorkerTestBed } from './harness.js';

const newBed = useWorkerTestBeds('worker');

/** The call's job once BullMQ has finished it (the reply is pushed just before that). */
const finishedJob = (t: WorkerTestBed, callId: string) =>
  eventually(async () => {
    const job = await t.queue.getJob(callId);
    expect(job?.finishedOn).toBeDefined();
    return { job: job!, state: await job!.getState() };
  });

describe('worker calls', () => {
  it('answers a unary call with a done reply and the same result as the job return value', async () => {
    const t = newBed();
    const sim = await t.startSim({ outputTokens: 8 });
    const worker = await t.startWorker(sim, { replica: 'worker-a' });
    const call = await t.enqueue({ params: { max_tokens: 8 } });

    const reply = await t.nextReply();
    expect(reply).toMatchObject({ callId: call.callId, type: 'done' });
    if (reply.type !== 'done') throw new Error('not done');
    expect(reply.result).toMatchObject({ model: SIM_MODEL, replica: 'worker-a', finishReason: expect.any(String) });
    expect(reply.result.output.length).toBeGreaterThan(0);
    expect(reply.result.usage.completionTokens).toBe(8);
    expect(reply.result.timings.queueMs).toBeGreaterThanOrEqual(0);
    expect(reply.result.timings.serviceMs).toBeGreaterThanOrEqual(reply.result.timings.timeToFirstTokenMs);

    const { state, job } = await finishedJob(t, call.callId);
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual(reply.result);

    const metrics = await getJson(worker, '/metrics');
    expect(metrics.body).toContain(`slm_fleet_worker_calls_total{specialist="${t.specialist}",outcome="ok"} 1`);
    expect(metrics.body).toContain('slm_fleet_worker_in_flight');
    expect(metrics.body).toContain('slm_fleet_worker_call_duration_seconds_bucket');
  });

  it('streams chunks in order that add up to the output', async () => {
    const t = newBed();
    // Tokens 20 ms apart (600 ms in all), so even a worker whose event loop a loaded machine
    // holds up for a while cannot get them all in one chunk.
    const sim = await t.startSim({ tpot: 20 });
    await t.startWorker(sim);
    const call = await t.enqueue({ stream: true, params: { max_tokens: 30 } });

    const replies = await t.repliesUntilFinal();
    const done = replies.at(-1)!;
    if (done.type !== 'done') throw new Error(`expected done, got ${JSON.stringify(done)}`);
    const chunks = replies.slice(0, -1) as Extract<CallReply, { type: 'chunk' }>[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.type === 'chunk' && c.callId === call.callId)).toBe(true);
    expect(new Set(chunks.map((c) => c.attempt)).size).toBe(1);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_c, i) => i));
    expect(chunks.map((c) => c.text).join('')).toBe(done.result.output);
    expect(done.result.usage.completionTokens).toBe(30);
  });

  it('answers with JSON that satisfies the call schema', async () => {
    const t = newBed();
    const sim = await t.startSim();
    await t.startWorker(sim);
    const schema = {
      type: 'object',
      properties: {
        label: { type: 'string', enum: ['positive', 'negative'] },
        score: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['label', 'score', 'tags'],
      additionalProperties: false,
    };
    await t.enqueue({ jsonSchema: schema, params: { max_tokens: 200 } });

    const reply = await t.nextReply();
    if (reply.type !== 'done') throw new Error(`expected done, got ${JSON.stringify(reply)}`);
    const ajv = new Ajv();
    const answer: unknown = JSON.parse(reply.result.output);
    expect(ajv.validate(schema, answer), ajv.errorsText()).toBe(true);
  });

  it('never sends a call past its deadline to the engine', async () => {
    const t = newBed();
    const sim = await t.startSim();
    await t.startWorker(sim);
    // A call that went stale in the queue (the deadline passed before a worker took it).
    // BullMQ attempts left, so only an unrecoverable failure ends it in `failed`.
    const call = await t.enqueue({ deadline: Date.now() - 1_000 }, { attempts: 3 });

    const reply = await t.nextReply();
    expect(reply).toMatchObject({ callId: call.callId, type: 'error', error: { kind: 'deadline' } });
    const { state, job } = await finishedJob(t, call.callId);
    // Failed for good: no BullMQ retry would run a stale call later.
    expect(state).toBe('failed');
    expect(decodeCallError(job.failedReason).kind).toBe('deadline');
    expect((await sim.stats()).requests).toBe(0);
  });

  it('retries transient engine errors, then reports an engine error', async () => {
    const t = newBed();
    const sim = await t.startSim();
    await t.startWorker(sim);
    await sim.faults({ errorRate: 1 });
    const failing = await t.enqueue({ retries: 2 });
    expect(await t.nextReply()).toMatchObject({ callId: failing.callId, type: 'error', error: { kind: 'engine' } });
    const stats = await sim.stats();
    expect(stats.errors).toBe(3);
    expect(stats.requests).toBe(3);

    await sim.faults({ errorRate: 0 });
    const healthy = await t.enqueue({ retries: 2 });
    expect(await t.nextReply()).toMatchObject({ callId: healthy.callId, type: 'done' });
  });
});
