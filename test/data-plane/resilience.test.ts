// Failures the data plane must survive: a worker killed mid-call, Redis crashing under load,
// and Redis losing a queued call.
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { specialistQueueName } from '@slm-fleet/queue';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  RouterClient,
  outcomesDuring,
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from './fleet.js';
import { PrivateRedis } from './private-redis.js';

const AGENT_TASK = `
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: durable}
spec:
  specialists: [{name: survivor, weight: 1}]
  timeoutMs: 60000
`;

describe('data plane resilience', () => {
  const env = useSuiteEnv('resilience');
  const processes: FleetProcess[] = [];

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('survivor', ['durable-task']));
    await env().apply(simSpecialist('forgetful', ['forgotten-task']));
    await env().apply(AGENT_TASK);
  });

  afterEach(async () => {
    for (const p of processes.splice(0).reverse()) await stopFleet(p, 'SIGKILL');
  });

  it('completes a call on another worker when its worker is killed (SIGKILL) mid-call', async () => {
    const engine = await startSimulator({ tpot: '50ms', outputTokens: 60 });
    const doomed = await startWorker(env(), 'survivor', engine, ['--replica', 'doomed']);
    const router = await startRouter(env());
    processes.push(engine, doomed, router);
    const client = new RouterClient(router.grpcPort);
    try {
      const call = client.invoke({ task: 'durable', prompt: 'a long answer' });
      await eventually(async () => {
        const stats = (await (await fetch(`http://127.0.0.1:${engine.port}/sim/stats`)).json()) as { active: number };
        expect(stats.active).toBe(1);
      });
      // Killed while the call runs (the call takes 3 s), before the rescuer starts: a rescuer
      // started first could be slower to start than the doomed worker is to finish.
      await stopFleet(doomed, 'SIGKILL');
      processes.push(await startWorker(env(), 'survivor', engine, ['--replica', 'rescuer']));
      const answer = await call;
      expect(answer.answeredBy?.replica).toBe('rescuer');
      expect(answer.usage?.completionTokens).toBe(60);
    } finally {
      client.close();
    }
  });

  describe('when Redis crashes under load', () => {
    let redis: PrivateRedis;
    afterAll(async () => redis?.stop());

    it('answers every call, those sent while Redis was down included: the router waits for Redis within their deadline', async () => {
      redis = await PrivateRedis.start();
      const withRedis = ['--redis-url', redis.url];
      const engine = await startSimulator({ tpot: '2ms', outputTokens: 10 });
      processes.push(engine);
      processes.push(await startWorker(env(), 'survivor', engine, [...withRedis, '--replica', 'w1']));
      processes.push(await startWorker(env(), 'survivor', engine, [...withRedis, '--replica', 'w2']));
      const router = await startRouter(env(), withRedis);
      processes.push(router);
      // A caller without retries: whatever reaches it is the router's own doing.
      const client = new RouterClient(router.grpcPort);
      try {
        const counts = await outcomesDuring(client, 'durable', 10, () => redis.crashAndRestart(1500));
        expect(Object.keys(counts)).toEqual(['OK']);
        expect(counts['OK']).toBeGreaterThan(100);
      } finally {
        client.close();
      }
    });
  });

  it('queues a call again under the same job id when Redis lost its job', async () => {
    const router = await startRouter(env());
    processes.push(router);
    const queue = new Queue(specialistQueueName(env().namespace, 'forgetful'), {
      connection: { url: env().redisUrl },
      prefix: env().queuePrefix,
    });
    const client = new RouterClient(router.grpcPort);
    try {
      // No worker yet: the call waits in the queue.
      const call = client.invoke({ task: 'forgotten-task', prompt: 'do not forget me' }, { deadlineMs: 60_000 });
      const [job] = await eventually(async () => {
        const waiting = await queue.getJobs(['wait', 'prioritized']);
        expect(waiting).toHaveLength(1);
        return waiting;
      });
      // As a Redis restarted without its last second of writes would: the job is gone.
      await queue.remove(job!.id!);
      await eventually(async () => {
        const again = await queue.getJobs(['wait', 'prioritized']);
        expect(again.map((j) => j.id)).toEqual([job!.id]);
      });
      const engine = await startSimulator({ tpot: '1ms', outputTokens: 5 });
      processes.push(engine, await startWorker(env(), 'forgetful', engine));
      const answer = await call;
      expect(answer.output).not.toBe('');
    } finally {
      client.close();
      await queue.close();
    }
  });
});
