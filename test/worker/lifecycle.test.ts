// The worker's life: waiting for a loading engine, cancels, and draining on shutdown.
import { describe, expect, it } from 'vitest';
import { cancelChannel } from '@slm-fleet/queue';
import { eventually } from '@slm-fleet/testing';
import { getJson, useWorkerTestBeds } from './harness.js';

const newBed = useWorkerTestBeds('worker');

describe('worker lifecycle', () => {
  it('waits for a slow-starting engine before taking calls', async () => {
    const t = newBed();
    const sim = await t.startSim({ slowStart: 3_000 });
    const worker = await t.startWorker(sim);
    const call = await t.enqueue();

    const notReady = await getJson(worker, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(notReady.body)).toMatch(/"engine":"waiting for the engine/);
    // The call waits in the queue rather than failing against an engine that is loading.
    expect(await t.nextReply()).toMatchObject({ callId: call.callId, type: 'done' });
    expect((await sim.stats()).errors).toBe(0);
    await eventually(async () => expect((await getJson(worker, '/readyz')).status).toBe(200));
  });

  it('cancels a running call when the router publishes its id', async () => {
    const t = newBed();
    const sim = await t.startSim({ hangRate: 1 });
    await t.startWorker(sim);
    const call = await t.enqueue({ stream: true });
    await eventually(async () => expect((await sim.stats()).hung).toBe(1));

    await t.publish(cancelChannel(t.prefix), call.callId);
    expect(await t.nextReply()).toMatchObject({ callId: call.callId, type: 'error', error: { kind: 'cancelled' } });
    await eventually(async () => expect(await (await t.queue.getJob(call.callId))?.getState()).toBe('failed'));
    // The engine saw the request go away.
    await eventually(async () => expect((await sim.stats()).disconnected).toBe(1));
  });

  it('finishes in-flight calls before stop resolves', async () => {
    const t = newBed();
    const sim = await t.startSim({ tpot: 50 });
    const worker = await t.startWorker(sim, { drainTimeout: 60_000 });
    const call = await t.enqueue({ params: { max_tokens: 40 } });
    await eventually(async () => expect((await sim.stats()).active).toBe(1));

    await worker.stop();
    // Already on the list when stop resolved: no waiting here.
    expect(await t.pendingReplies()).toMatchObject([{ callId: call.callId, type: 'done' }]);
    expect(await (await t.queue.getJob(call.callId))?.getState()).toBe('completed');
  });

  it('hands a call that outlasts the drain timeout back to the queue for another worker', async () => {
    const t = newBed();
    const hanging = await t.startSim({ hangRate: 1 });
    const first = await t.startWorker(hanging, { drainTimeout: 200, replica: 'worker-a' });
    const call = await t.enqueue();
    await eventually(async () => expect((await hanging.stats()).hung).toBe(1));

    await first.stop();
    expect(await t.pendingReplies()).toEqual([]);
    expect(await (await t.queue.getJob(call.callId))?.getState()).toBe('waiting');

    const healthy = await t.startSim();
    await t.startWorker(healthy, { replica: 'worker-b' });
    expect(await t.nextReply()).toMatchObject({ callId: call.callId, type: 'done', result: { replica: 'worker-b' } });
  });
});
