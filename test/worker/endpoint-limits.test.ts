// A worker in front of an external OpenAI-compatible endpoint: its API key, its 429s and the
// budgets shared by every worker of the queue. Real Redis and BullMQ, the engine simulator as
// the endpoint; what reached the endpoint and when is read from the simulator's request log.
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '@slm-fleet/simulator';
import { eventually } from '@slm-fleet/testing';
import { getJson, useWorkerTestBeds } from './harness.js';

const newBed = useWorkerTestBeds('worker-endpoint');
const KEY = 'sk-worker-endpoint-test-0123456789';
process.env.WORKER_TEST_ENDPOINT_KEY = KEY;

/** After every 429, how long until the endpoint was asked again (none when it was the last request). */
const gapsAfter429 = (recent: RequestRecord[]): number[] =>
  recent.flatMap((record, i) => {
    const next = recent[i + 1];
    return record.status === 429 && next ? [next.receivedAt - record.receivedAt] : [];
  });

describe('worker against an OpenAI-compatible endpoint', () => {
  it('sends the API key; a wrong one fails the call at once, saying so without the key', async () => {
    const t = newBed();
    const sim = await t.startSim({ apiKeyEnv: 'WORKER_TEST_ENDPOINT_KEY' });
    const worker = await t.startWorker(sim, { engineApiKey: KEY });
    const call = await t.enqueue();
    expect(await t.nextReply()).toMatchObject({ callId: call.callId, type: 'done' });
    await worker.stop();

    // A wrong key: the worker still takes calls (GET /models answers 401), and each fails with the 401.
    const wrong = 'sk-wrong-key-for-this-test-9876';
    const refused = await t.startWorker(sim, { engineApiKey: wrong });
    const failing = await t.enqueue({ retries: 2 });
    const reply = await t.nextReply();
    expect(reply).toMatchObject({ callId: failing.callId, type: 'error', error: { kind: 'engine' } });
    const message = reply.type === 'error' ? reply.error.message : '';
    expect(message).toContain('HTTP 401 (the API key is missing or refused)');
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(KEY);
    expect((await sim.stats()).unauthorized).toBeGreaterThanOrEqual(1);
    const ready = await getJson(refused, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('refuses the API key');
  });

  it('on a 429 pauses the whole queue for Retry-After: no worker asks again sooner, and the call completes after', async () => {
    const t = newBed();
    const sim = await t.startSim({ rateLimitRate: 1, retryAfterSeconds: 1 });
    // Two workers: the one that got the 429 and one that did not both wait.
    const workers = [await t.startWorker(sim, { concurrency: 1 }), await t.startWorker(sim, { concurrency: 1 })];
    // A prioritized job, as the router queues them: BullMQ puts those back on another list.
    const call = await t.enqueue({ retries: 0 }, { priority: 10 });
    await eventually(async () => expect((await sim.stats()).rateLimited).toBeGreaterThanOrEqual(3), {
      timeoutMs: 30_000,
    });
    await sim.faults({ rateLimitRate: 0 });

    // A 429 is not a try: with no retries left the call still completes, and no error reply came first.
    expect(await t.nextReply()).toMatchObject({ callId: call.callId, type: 'done' });
    const { recent } = await sim.stats();
    const gaps = gapsAfter429(recent);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
    // Taken once per 429 and once more, but only the last counted as an attempt (the one that completed).
    const job = await t.queue.getJob(call.callId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.attemptsStarted).toBe(gaps.length + 1);
    // Either worker may have drawn the 429s; between them they counted each one.
    const metrics = await Promise.all(workers.map(async (w) => String((await getJson(w, '/metrics')).body)));
    const rateLimited = metrics
      .map((text) => Number(/slm_fleet_worker_calls_total\{[^}]*outcome="rate_limited"\} (\d+)/.exec(text)?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
    expect(rateLimited).toBeGreaterThanOrEqual(1);
  });

  it('fails a call as a deadline when Retry-After reaches past it', async () => {
    const t = newBed();
    const sim = await t.startSim({ rateLimitRate: 1, retryAfterSeconds: 60 });
    await t.startWorker(sim);
    const call = await t.enqueue({ deadline: Date.now() + 10_000 });
    const reply = await t.nextReply();
    expect(reply).toMatchObject({ callId: call.callId, type: 'error', error: { kind: 'deadline' } });
    expect(reply.type === 'error' && reply.error.message).toMatch(/HTTP 429.*past the call's deadline/);
    expect((await sim.stats()).requests).toBe(1);
  });

  it('--endpoint-concurrency 2: never more than 2 calls at the endpoint, over all workers', async () => {
    const t = newBed();
    const sim = await t.startSim({ ttft: 300 });
    await t.startWorker(sim, { concurrency: 4, endpointConcurrency: 2 });
    await t.startWorker(sim, { concurrency: 4, endpointConcurrency: 2 });
    const calls = await Promise.all(Array.from({ length: 6 }, () => t.enqueue()));
    const replies = [];
    while (replies.length < calls.length) replies.push(await t.nextReply());
    expect(replies.map((reply) => reply.type)).toEqual(Array(6).fill('done'));
    expect(await sim.stats()).toMatchObject({ completed: 6, peakInFlight: 2 });
  });

  it('--requests-per-minute 2: a third call waits for the next minute', async () => {
    const t = newBed();
    const sim = await t.startSim();
    await t.startWorker(sim, { requestsPerMinute: 2 });
    const calls = await Promise.all([t.enqueue(), t.enqueue(), t.enqueue()]);
    expect((await t.nextReply()).type).toBe('done');
    expect((await t.nextReply()).type).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await sim.stats()).requests).toBe(2);
    const states = await Promise.all(calls.map(async (call) => (await t.queue.getJob(call.callId))?.getState()));
    expect(states.filter((state) => state === 'completed')).toHaveLength(2);
    expect(states.filter((state) => state === 'waiting' || state === 'prioritized')).toHaveLength(1);
  });

  it('--tokens-per-minute: once the minute is spent, no call starts before the next one', async () => {
    const t = newBed();
    const sim = await t.startSim({ outputTokens: 20 });
    // Each call spends about 24 tokens (4 of prompt, 20 of answer): two fit a budget of 30 (the
    // second starts at 24), the third does not.
    await t.startWorker(sim, { concurrency: 1, tokensPerMinute: 30 });
    for (let i = 0; i < 2; i++) {
      await t.enqueue({ params: {} });
      expect((await t.nextReply()).type).toBe('done');
    }
    const third = await t.enqueue({ params: {}, deadline: Date.now() + 5_000 });
    const reply = await t.nextReply();
    const { recent } = await sim.stats();
    const windowOf = (at: number) => Math.floor(at / 60_000);
    if (reply.type === 'done') {
      // The minute ended within the deadline: the third call started in the next one.
      expect(windowOf(recent[2]!.receivedAt)).toBeGreaterThan(windowOf(recent[1]!.receivedAt));
    } else {
      expect(reply).toMatchObject({ callId: third.callId, error: { kind: 'deadline', message: /tokens per minute/ } });
      expect(recent).toHaveLength(2);
    }
  });
});
