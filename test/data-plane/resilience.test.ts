// Failures the data plane must survive: a worker killed mid-call, and Redis crashing under load.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

    it('answers every call or fails it with UNAVAILABLE; none hangs; router and workers reconnect', async () => {
      redis = await PrivateRedis.start();
      const withRedis = ['--redis-url', redis.url];
      const engine = await startSimulator({ tpot: '2ms', outputTokens: 10 });
      processes.push(engine);
      processes.push(await startWorker(env(), 'survivor', engine, [...withRedis, '--replica', 'w1']));
      processes.push(await startWorker(env(), 'survivor', engine, [...withRedis, '--replica', 'w2']));
      const router = await startRouter(env(), withRedis);
      processes.push(router);
      const client = new RouterClient(router.grpcPort);
      try {
        const counts = await outcomesDuring(client, 'durable', 10, () => redis.crashAndRestart(1500));
        expect(Object.keys(counts).filter((code) => code !== 'OK' && code !== 'UNAVAILABLE')).toEqual([]);
        expect(counts['OK']).toBeGreaterThan(0);
        // Calls made while Redis was down were refused at once, not queued in the router.
        expect(counts['UNAVAILABLE']).toBeGreaterThan(0);
        // Reconnected: calls after the restart are answered.
        await eventually(async () => {
          const answer = await client.invoke({ task: 'durable', prompt: 'after the crash' }, { deadlineMs: 10_000 });
          expect(answer.output).not.toBe('');
        });
      } finally {
        client.close();
      }
    });
  });
});
