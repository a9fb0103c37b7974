// GET /drain, the pod's preStop hook: the worker drains as on SIGTERM but keeps serving HTTP,
// and answers once its calls have finished or gone back to the queue.
import { describe, expect, it } from 'vitest';
import type { RunningService } from '@slm-fleet/service';
import { eventually } from '@slm-fleet/testing';
import { getJson, useWorkerTestBeds } from './harness.js';

const newBed = useWorkerTestBeds('worker-drain');

const startDrain = (worker: RunningService): Promise<Response> => fetch(`http://127.0.0.1:${worker.port}/drain`);

/** Waits until /readyz says the worker is draining: from then on it takes no new call. */
const untilDraining = (worker: RunningService): Promise<void> =>
  eventually(async () => {
    expect(await getJson(worker, '/readyz')).toMatchObject({
      status: 503,
      body: { ready: false, checks: { shutdown: 'draining' } },
    });
  });

describe('worker drain (GET /drain)', () => {
  it('lets the running call finish, takes no new one, and answers once drained', async () => {
    const t = newBed();
    const sim = await t.startSim({ tpot: 50 });
    const worker = await t.startWorker(sim, { drainTimeout: 60_000 });
    await eventually(async () => expect((await getJson(worker, '/readyz')).status).toBe(200));
    const running = await t.enqueue({ params: { max_tokens: 40 } });
    await eventually(async () => expect((await sim.stats()).active).toBe(1));

    const drain = startDrain(worker);
    await untilDraining(worker);
    const late = await t.enqueue();

    // The running call answers its caller in full; the drain answers after it.
    expect(await t.nextReply()).toMatchObject({
      callId: running.callId,
      type: 'done',
      result: { usage: { completionTokens: 40 } },
    });
    const answer = await drain;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ drained: true, handedBack: 0 });
    expect(await (await t.queue.getJob(running.callId))?.getState()).toBe('completed');
    expect(await (await t.queue.getJob(late.callId))?.getState()).toBe('waiting');

    // The HTTP server still serves; a second GET /drain and the stop join the drain that is over.
    expect((await getJson(worker, '/healthz')).status).toBe(200);
    expect(await getJson(worker, '/drain')).toEqual({ status: 200, body: { drained: true, handedBack: 0 } });
    await worker.stop();
    expect(await (await t.queue.getJob(late.callId))?.getState()).toBe('waiting');
    expect(await t.pendingReplies()).toEqual([]);
  });

  it('hands a call that outlasts the drain timeout back to the queue, and says so', async () => {
    const t = newBed();
    const hanging = await t.startSim({ hangRate: 1 });
    const worker = await t.startWorker(hanging, { drainTimeout: 200 });
    const call = await t.enqueue();
    await eventually(async () => expect((await hanging.stats()).hung).toBe(1));

    expect(await getJson(worker, '/drain')).toEqual({ status: 200, body: { drained: true, handedBack: 1 } });
    expect(await (await t.queue.getJob(call.callId))?.getState()).toBe('waiting');
    expect(await t.pendingReplies()).toEqual([]);
  });
});
