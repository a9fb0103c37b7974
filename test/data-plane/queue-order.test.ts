// The order of calls in a Specialist's queue, end to end (real router, worker, Redis and engine
// simulator): within a priority level the shorter expected answers go first, a higher priority
// still goes before them all, and a long call is promoted after waiting instead of starving
// behind a steady stream of short ones (libs/routing's queueOrder).
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeRequest, InvokeResponse } from '@slm-fleet/proto';
import { bullPriority, specialistQueueName } from '@slm-fleet/queue';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  RouterClient,
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

/** An AgentTask of priority 10 on the same Specialist. */
const urgentTask = `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: urgent}
spec:
  specialists: [{name: sized}]
  priority: 10
`;

describe('queue order: shortest expected first, with aging', () => {
  const env = useSuiteEnv('queue-order');
  const processes: FleetProcess[] = [];
  let client: RouterClient;
  let queue: Queue;

  const waiting = async (): Promise<number> => {
    const counts = await queue.getJobCounts('wait', 'prioritized');
    return (counts.wait ?? 0) + (counts.prioritized ?? 0);
  };

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('sized', ['sizes']));
    await env().apply(urgentTask);
    queue = new Queue(specialistQueueName(env().namespace, 'sized'), {
      connection: { url: env().redisUrl },
      prefix: env().queuePrefix,
    });
    // The simulator answers plain text to max_tokens: 10 ms a token, so a 200-token answer
    // holds the worker's one slot 40 times as long as a 5-token one.
    const engine = await startSimulator({ tpot: '10ms' });
    const router = await startRouter(env());
    processes.push(engine, router, await startWorker(env(), 'sized', engine, ['--concurrency', '1']));
    client = new RouterClient(router.grpcPort);
  });

  afterAll(async () => {
    client?.close();
    await queue?.resume().catch(() => undefined);
    await queue?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('answers shorter expected answers first within a priority level, and a higher priority before them', async () => {
    // Paused, so the calls are taken in the queue's order, not as they arrive.
    await queue.pause();
    const finished: string[] = [];
    const call = (label: string, request: Partial<InvokeRequest>) =>
      client.invoke({ prompt: label, ...request }).then(() => finished.push(label));
    const long = (label: string) => call(label, { task: 'sizes', parameters: { maxTokens: 200, stop: [] } });
    const short = (label: string) => call(label, { task: 'sizes', parameters: { maxTokens: 5, stop: [] } });
    const calls = [long('long-1'), long('long-2')];
    await eventually(async () => expect(await waiting()).toBe(2), { intervalMs: 20 });
    calls.push(short('short-1'), short('short-2'), short('short-3'));
    // Longer than the short ones, but of a task of priority 10.
    calls.push(call('urgent', { task: 'urgent', parameters: { maxTokens: 30, stop: [] } }));
    await eventually(async () => expect(await waiting()).toBe(6), { intervalMs: 20 });
    await queue.resume();
    await Promise.all(calls);
    expect(finished[0]).toBe('urgent');
    expect(finished.slice(1, 4).sort()).toEqual(['short-1', 'short-2', 'short-3']);
    expect(finished.slice(4).sort()).toEqual(['long-1', 'long-2']);
  });

  it('promotes a long call that waited, so a steady stream of short calls does not starve it', async () => {
    let stop = false;
    let shortAnswered = 0;
    let shortAfterLong = 0;
    let longAnswer: InvokeResponse | undefined;
    // Twelve callers each call again as soon as answered: with one slot, short calls always wait
    // in the queue, ahead of the long one until it is promoted.
    const loops = Array.from({ length: 12 }, async (_, i) => {
      while (!stop) {
        await client.invoke({ task: 'sizes', prompt: `short ${i}`, parameters: { maxTokens: 5, stop: [] } });
        shortAnswered++;
        if (longAnswer) shortAfterLong++;
      }
    });
    try {
      await eventually(async () => expect(shortAnswered).toBeGreaterThanOrEqual(10), { intervalMs: 50 });
      const answeredBefore = shortAnswered;
      longAnswer = await client.invoke(
        { task: 'sizes', prompt: 'a long one', parameters: { maxTokens: 200, stop: [] } },
        { deadlineMs: 60_000 },
      );
      expect(longAnswer.usage?.completionTokens).toBe(200);
      // Short calls overtook it while it waited, and still flow after it.
      expect(shortAnswered).toBeGreaterThan(answeredBefore);
      await eventually(async () => expect(shortAfterLong).toBeGreaterThanOrEqual(3), { intervalMs: 50 });
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    // It ran because it was promoted: its job's priority is the head of its level.
    const job = await queue.getJob(longAnswer.callId);
    expect(job?.priority).toBe(bullPriority(0, 0));
  });
});
