// How the router schedules calls: priorities under backlog, shedding under overload, deadlines
// and cancellation (nothing runs late), and several routers and workers sharing one queue.
import { status } from '@grpc/grpc-js';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvokeRequest } from '@slm-fleet/proto';
import { specialistQueueName } from '@slm-fleet/queue';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  simStats,
  RouterClient,
  failureOf,
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

describe('router scheduling', () => {
  const env = useSuiteEnv('scheduling');
  const longLived: FleetProcess[] = [];
  const perTest: FleetProcess[] = [];
  const queues: Queue[] = [];
  let router: FleetProcess;
  let client: RouterClient;

  const queueOf = (specialist: string): Queue => {
    const queue = new Queue(specialistQueueName(env().namespace, specialist), {
      connection: { url: env().redisUrl },
      prefix: env().queuePrefix,
    });
    queues.push(queue);
    return queue;
  };
  const waitingIn = async (queue: Queue): Promise<number> => {
    const counts = await queue.getJobCounts('wait', 'prioritized');
    return (counts.wait ?? 0) + (counts.prioritized ?? 0);
  };

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('ordered', ['rank']));
    await env().apply(simSpecialist('bounded', ['bounded-task'], '  queue: {maxWaiting: 3}'));
    await env().apply(simSpecialist('slow', ['slow-task']));
    await env().apply(simSpecialist('shared', ['shared-task']));
    router = await startRouter(env());
    longLived.push(router);
    client = new RouterClient(router.grpcPort);
  });

  afterEach(async () => {
    for (const p of perTest.splice(0).reverse()) await stopFleet(p);
  });

  afterAll(async () => {
    client?.close();
    await Promise.all(queues.map((q) => q.close()));
    for (const p of longLived.reverse()) await stopFleet(p);
  });

  it('runs higher-priority calls first when work is backed up', async () => {
    const queue = queueOf('ordered');
    const finished: string[] = [];
    const call = (label: string, priority: number) =>
      client.invoke({ task: 'rank', prompt: label, priority }).then(() => finished.push(label));
    // The worker starts only once all six wait, so the order is the queue's, not the arrivals'.
    const calls = [call('low-1', 0), call('low-2', 0), call('low-3', 0)];
    await eventually(async () => expect(await waitingIn(queue)).toBe(3));
    calls.push(call('high-1', 10), call('high-2', 10), call('high-3', 10));
    await eventually(async () => expect(await waitingIn(queue)).toBe(6));
    const engine = await startSimulator();
    perTest.push(engine, await startWorker(env(), 'ordered', engine, ['--concurrency', '1']));
    await Promise.all(calls);
    expect(finished.slice(0, 3).sort()).toEqual(['high-1', 'high-2', 'high-3']);
    expect(finished.slice(3).sort()).toEqual(['low-1', 'low-2', 'low-3']);
  });

  it('sheds sheddable calls when the queue holds its bound, and still queues the others', async () => {
    const queue = queueOf('bounded');
    const waiting = [1, 2, 3].map((i) => client.invoke({ task: 'bounded-task', prompt: `w${i}` }));
    await eventually(async () => expect(await waitingIn(queue)).toBe(3));
    const shed = await eventually(async () => {
      const failure = await failureOf(client.invoke({ task: 'bounded-task', prompt: 'extra', priority: -1 }));
      expect(failure.code).toBe(status.RESOURCE_EXHAUSTED);
      return failure;
    });
    expect(shed.reason).toBe('QUEUE_FULL');
    expect(shed.details).toMatch(/has 3 calls waiting, its bound is 3 \(spec.queue.maxWaiting\)/);
    const normal = client.invoke({ task: 'bounded-task', prompt: 'normal', priority: 0 });
    await eventually(async () => expect(await waitingIn(queue)).toBe(4));
    const engine = await startSimulator();
    perTest.push(engine, await startWorker(env(), 'bounded', engine));
    const answers = await Promise.all([...waiting, normal]);
    expect(answers.every((a) => a.output.length > 0)).toBe(true);
  });

  it('fails a call with DEADLINE_EXCEEDED and takes its job back, so it never runs late', async () => {
    const queue = queueOf('slow');
    const failure = await failureOf(client.invoke({ task: 'slow-task', prompt: 'late' }, { deadlineMs: 1500 }));
    expect(failure.code).toBe(status.DEADLINE_EXCEEDED);
    await eventually(async () => expect(await waitingIn(queue)).toBe(0));
    const engine = await startSimulator();
    perTest.push(engine, await startWorker(env(), 'slow', engine));
    await client.invoke({ task: 'slow-task', prompt: 'on time' });
    expect((await simStats(engine)).requests).toBe(1);
  });

  it("counts gRPC calls that run out of time as DEADLINE_EXCEEDED in the router's metrics, not CANCELLED", async () => {
    const count = async (code: string): Promise<number> => {
      const metrics = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
      const line = new RegExp(`^slm_fleet_router_calls_total\\{task="slow-task",code="${code}"\\} (\\d+)$`, 'm');
      return Number(line.exec(metrics)?.[1] ?? 0);
    };
    const [timedOutBefore, cancelledBefore] = [await count('DEADLINE_EXCEEDED'), await count('CANCELLED')];
    // No worker serves slow-task now: each call waits in the queue until its deadline.
    const calls = Array.from({ length: 10 }, (_, i) =>
      failureOf(client.invoke({ task: 'slow-task', prompt: `late ${i}` }, { deadlineMs: 300 })),
    );
    expect((await Promise.all(calls)).map((f) => f.code)).toEqual(Array(10).fill(status.DEADLINE_EXCEEDED));
    await eventually(async () => expect(await count('DEADLINE_EXCEEDED')).toBe(timedOutBefore + 10));
    expect(await count('CANCELLED')).toBe(cancelledBefore);
  });

  it('stops the engine call of a running call whose caller cancels', async () => {
    const engine = await startSimulator({ tpot: '100ms', outputTokens: 600 });
    perTest.push(engine, await startWorker(env(), 'slow', engine));
    const stream = client.raw.invokeStream(InvokeRequest.fromPartial({ task: 'slow-task', prompt: 'a long story' }));
    const cancelled = new Promise<number>((resolve) => stream.on('error', (e: { code: number }) => resolve(e.code)));
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.cancel();
    expect(await cancelled).toBe(status.CANCELLED);
    await eventually(async () => {
      const stats = await simStats(engine);
      expect(stats.disconnected).toBe(1);
      expect(stats.active).toBe(0);
    });
  });

  it('shares the load of one queue between two routers and three workers', async () => {
    const second = await startRouter(env());
    perTest.push(second);
    const secondClient = new RouterClient(second.grpcPort);
    for (const name of ['a', 'b', 'c']) {
      const engine = await startSimulator({ tpot: '2ms', outputTokens: 10 });
      perTest.push(
        engine,
        await startWorker(env(), 'shared', engine, ['--replica', `worker-${name}`, '--concurrency', '2']),
      );
    }
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 === 0 ? client : secondClient).invoke({ task: 'shared-task', prompt: `call ${i}` }),
        ),
      );
      const replicas = new Set(answers.map((a) => a.answeredBy?.replica));
      expect(replicas).toEqual(new Set(['worker-a', 'worker-b', 'worker-c']));
      expect(new Set(answers.map((a) => a.callId)).size).toBe(60);
    } finally {
      secondClient.close();
    }
  });
});
