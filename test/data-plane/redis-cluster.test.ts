// On the platform's three-master Redis Cluster: specialists' queues spread over the masters
// (one hash tag each), calls work as on one Redis, and a master's crash is survived.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specialistQueueName } from '@slm-fleet/queue';
import { eventually, installCrds, platform, useSuiteEnv } from '@slm-fleet/testing';
import {
  RouterClient,
  outcomesDuring,
  simSpecialist,
  startRouter,
  startWorker,
  startSimulator,
  stopFleet,
  type FleetProcess,
} from './fleet.js';

interface Master {
  name: string;
  pid: number;
  port: number;
  slots: [number, number][];
}

/** The cluster's masters from `scripts/platform status` and CLUSTER SLOTS. */
async function masters(): Promise<Master[]> {
  const rows = (await platform('status'))
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name, state]) => name?.startsWith('redis-cluster-') && !name.endsWith('-bus') && state === 'running');
  const result: Master[] = [];
  for (const [name, , pid, port] of rows) {
    const redis = new Redis(Number(port), '127.0.0.1');
    const slots = (await redis.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
    redis.disconnect();
    const own = slots.filter(([, , [, p]]) => p === Number(port)).map(([from, to]) => [from, to] as [number, number]);
    result.push({ name: name!, pid: Number(pid), port: Number(port), slots: own });
  }
  return result;
}

describe('on a Redis Cluster', () => {
  const env = useSuiteEnv('redis-cluster');
  const processes: FleetProcess[] = [];
  let cluster: Cluster;
  let seed: string;
  const names: string[] = [];
  const ownerOf = (all: Master[], slot: number) => all.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));

  beforeAll(async () => {
    await platform('up', '--redis-cluster');
    const all = await masters();
    expect(all).toHaveLength(3);
    seed = `redis://127.0.0.1:${all[0]!.port}`;
    cluster = new Cluster([{ host: '127.0.0.1', port: all[0]!.port }]);
    cluster.on('error', () => undefined); // the crash test kills a master on purpose
    // Pick specialist names whose queues hash to different masters.
    const byMaster = new Map<string, string>();
    for (let i = 0; byMaster.size < 2 && i < 100; i++) {
      const name = `spec-${i}`;
      const slot = Number(await cluster.cluster('KEYSLOT', specialistQueueName(env().namespace, name)));
      const owner = ownerOf(all, slot)!.name;
      if (!byMaster.has(owner)) byMaster.set(owner, name);
    }
    names.push(...byMaster.values());
    await installCrds(env());
    for (const name of names) await env().apply(simSpecialist(name, [`task-${name}`]));
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 8 });
    processes.push(engine);
    // After the suite's own --redis-url: the last one counts.
    const redisFlags = ['--redis-url', seed, '--redis-cluster'];
    for (const name of names) processes.push(await startWorker(env(), name, engine, redisFlags));
    const router = await startRouter(env(), redisFlags);
    processes.push(router);
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
    // The suite's keys live on the cluster, which the suite cleanup does not scan: delete them.
    for (const node of cluster?.nodes('master') ?? []) {
      const keys = await node.keys(`${env().redisPrefix}*`);
      for (const key of keys) await node.del(key);
    }
    cluster?.disconnect();
  });

  const client = (): RouterClient => new RouterClient(processes.at(-1)!.grpcPort);

  it("puts different specialists' queues on different masters, and serves calls to each", async () => {
    const all = await masters();
    const owners = await Promise.all(
      names.map(async (name) => {
        const queue = specialistQueueName(env().namespace, name);
        const keys = await cluster.cluster('KEYSLOT', `${env().queuePrefix}:${queue}:wait`);
        return ownerOf(all, Number(keys))?.name;
      }),
    );
    expect(new Set(owners).size).toBe(2);
    const c = client();
    try {
      for (const name of names) {
        const answer = await c.invoke({ task: `task-${name}`, prompt: 'hello cluster' });
        expect(answer.answeredBy?.specialist).toBe(`${env().namespace}/${name}`);
      }
    } finally {
      c.close();
    }
  });

  it("survives a master's crash: calls answer or fail UNAVAILABLE, and work again after it restarts", async () => {
    const all = await masters();
    const victimSlot = Number(await cluster.cluster('KEYSLOT', specialistQueueName(env().namespace, names[0]!)));
    const victim = ownerOf(all, victimSlot)!;
    const c = client();
    try {
      const task = `task-${names[0]}`;
      const counts = await outcomesDuring(c, task, 20, async () => {
        process.kill(victim.pid, 'SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await platform('up', '--redis-cluster'); // restarts the dead master with its data
      });
      expect(Object.keys(counts).filter((code) => code !== 'OK' && code !== 'UNAVAILABLE')).toEqual([]);
      expect(counts['OK']).toBeGreaterThan(0);
      await eventually(async () => {
        const answer = await c.invoke({ task, prompt: 'after the crash' }, { deadlineMs: 10_000 });
        expect(answer.output).not.toBe('');
      });
    } finally {
      c.close();
    }
  });
});
