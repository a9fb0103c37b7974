// The autoscaler end to end: the real operator (its autoscaler reading the suite's Redis and
// the router's /metrics), the real router, and for every Running kwok pod the pod runner's real
// worker beside an engine simulator. Each simulated call takes about a second (20 tokens x
// 50 ms) and a replica runs one at a time, so queues build and drain in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGpuNodes, eventually, installCrds, startPodRunner, useSuiteEnv, type PodRunner } from '@slm-fleet/testing';
import { RouterClient, startRouter, stopFleet, type FleetProcess } from '../data-plane/fleet.js';
import {
  startOperator,
  stopOperator,
  writeOperatorConfig,
  type OperatorProcess,
} from '../operator/operator-process.js';
import {
  agentTaskYaml,
  condition,
  sampleOf,
  scaledThrough,
  specReplicas,
  specialistYaml,
} from './fleet-autoscaling.js';

const INTERVAL_SECONDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('autoscaling', () => {
  const env = useSuiteEnv('autoscaling');
  const tag = Math.random().toString(36).slice(2, 7);
  const product = `T-${tag}-FLEET`;
  const scarce = `T-${tag}-SCARCE`;
  const removers: (() => Promise<void>)[] = [];
  let router: FleetProcess | undefined;
  let operator: OperatorProcess | undefined;
  let runner: PodRunner | undefined;
  let client: RouterClient | undefined;
  let configPath = '';

  const calls = (): RouterClient => {
    if (!client) throw new Error('the router did not start');
    return client;
  };
  const pods = (): PodRunner => {
    if (!runner) throw new Error('the pod runner did not start');
    return runner;
  };
  const invoke = (task: string, prompt: string, deadlineMs = 120_000) =>
    calls().invoke({ task, prompt }, { deadlineMs });

  beforeAll(async () => {
    await installCrds(env());
    removers.push(
      await addGpuNodes(
        env(),
        [0, 1, 2].map((i) => ({ name: `t-${tag}-fleet-${i}`, product, gpus: 4 })),
      ),
    );
    const profile = (name: string, gpuProduct: string) => ({
      name,
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.product': gpuProduct },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    router = await startRouter(env());
    client = new RouterClient(router.grpcPort);
    configPath = await writeOperatorConfig(env(), {
      gpuProfiles: [profile('fleet', product), profile('scarce', scarce)],
      defaultGpuProfiles: ['fleet'],
      autoscaler: {
        intervalSeconds: INTERVAL_SECONDS,
        routerMetricsUrls: [`http://127.0.0.1:${router.port}/metrics`],
      },
    });
    operator = await startOperator(env(), configPath);
    runner = await startPodRunner(env(), { simulator: { ttft: '0ms', tpot: '50ms', outputTokens: 20 } });
  });

  afterAll(async () => {
    client?.close();
    await runner?.stop();
    await stopOperator(operator);
    await stopFleet(router);
    for (const remove of removers) await remove();
  });

  it('answers a call made at zero replicas: the operator scales from zero and the call completes', async () => {
    await env().apply(
      specialistYaml('extractor', ['extract'], { min: 0, max: 8, perReplica: 2, delaySeconds: 15, profile: 'fleet' }),
    );
    expect(await specReplicas(env(), 'extractor')).toBe(0);

    const answer = await invoke('extract', 'Invoice INV-1: 12 EUR');

    expect(answer.output.length).toBeGreaterThan(0);
    expect((await scaledThrough(env(), 'extractor'))[0]).toEqual({ from: 0, to: 1 });
  });

  it('jumps to the needed count on a load step, loses no call while scaling down under load, then scales to zero', async () => {
    const before = (await scaledThrough(env(), 'extractor')).length;
    const burst = Array.from({ length: 16 }, (_, i) => invoke('extract', `burst ${i}`));

    // 16 calls, 2 per replica: 8 replicas, reached in at most two decisions (not one at a time).
    await eventually(
      async () =>
        expect(
          await specReplicas(env(), 'extractor'),
          // What the operator saw, should it not get there.
          await env().kubectl('get', 'specialist', 'extractor', '-o', 'jsonpath={.status}'),
        ).toBe(8),
      { timeoutMs: 60_000 },
    );
    const ups = (await scaledThrough(env(), 'extractor')).slice(before).filter((s) => s.to > s.from);
    expect(ups.length).toBeLessThanOrEqual(2);
    expect(ups.at(-1)?.to).toBe(8);
    expect((await Promise.allSettled(burst)).map((r) => r.status)).toEqual(Array(16).fill('fulfilled'));

    // A trickle of calls while the operator removes replicas: pods leave through their preStop
    // drain, so every call still completes.
    const stoppedBefore = pods().stopped().length;
    const trickle: Promise<unknown>[] = [];
    while (pods().stopped().length === stoppedBefore && trickle.length < 400) {
      trickle.push(invoke('extract', `trickle ${trickle.length}`));
      await sleep(400);
    }
    const outcomes = await Promise.allSettled(trickle);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const leaving = pods().stopped().slice(stoppedBefore);
    expect(leaving.length).toBeGreaterThan(0);
    // Each left because its pod did: terminating, deleted, or deleted while its worker was
    // still starting (on a loaded machine a start can outlast the scale-down); none crashed.
    const leftWithItsPod = ['pod-terminating', 'pod-deleted', 'start-aborted'];
    expect(leaving.filter((p) => !leftWithItsPod.includes(p.reason))).toEqual([]);

    // Idle: after the scale-down delay, to zero, and every worker gone.
    await eventually(async () => expect(await specReplicas(env(), 'extractor')).toBe(0), { timeoutMs: 90_000 });
    await pods().waitFor(0, 'extractor');
    expect(await env().kubectl('get', 'specialist', 'extractor', '-o', 'jsonpath={.status.lastScaleTime}')).not.toBe(
      '',
    );
  });

  it('says InsufficientGPU while no GPU is free, gives the next free GPU to the higher-priority task, then the other', async () => {
    const yaml = (name: string) =>
      specialistYaml(name, [`${name}-task`], { min: 0, max: 1, perReplica: 1, delaySeconds: 5, profile: 'scarce' });
    await env().apply(
      [yaml('low'), agentTaskYaml('low-task', 'low', 0), yaml('high'), agentTaskYaml('high-task', 'high', 10)].join(
        '\n---\n',
      ),
    );
    const lowCall = invoke('low-task', 'low priority call', 240_000);
    const highCall = invoke('high-task', 'high priority call', 240_000);

    // No node has a GPU of this profile yet: both wait, and say why.
    for (const name of ['low', 'high']) {
      await eventually(async () =>
        expect(await condition(env(), name, 'Degraded')).toMatchObject({ status: 'True', reason: 'InsufficientGPU' }),
      );
    }
    expect(await specReplicas(env(), 'low')).toBe(0);
    expect(await specReplicas(env(), 'high')).toBe(0);

    // One GPU comes: the higher-priority task's Specialist gets it.
    removers.push(await addGpuNodes(env(), [{ name: `t-${tag}-scarce-0`, product: scarce, gpus: 1 }]));
    await eventually(async () => expect(await specReplicas(env(), 'high')).toBe(1));
    expect(await specReplicas(env(), 'low')).toBe(0);
    // The low one's condition says why at the operator's next interval.
    await eventually(async () =>
      expect((await condition(env(), 'low', 'Degraded')).message).toMatch(
        new RegExp(`higher-priority ${env().namespace}/high goes first`),
      ),
    );
    expect((await highCall).output.length).toBeGreaterThan(0);

    // Idle, the high one scales to zero and frees the GPU; the low one's call then runs.
    expect((await lowCall).output.length).toBeGreaterThan(0);
    expect(await scaledThrough(env(), 'high')).toEqual([
      { from: 0, to: 1 },
      { from: 1, to: 0 },
    ]);
  });

  it('does not flap when the operator restarts in the middle of scaling', async () => {
    await env().apply(
      specialistYaml('steady', ['steady'], { min: 0, max: 4, perReplica: 1, delaySeconds: 600, profile: 'fleet' }),
    );
    const burst = Array.from({ length: 4 }, (_, i) => invoke('steady', `steady ${i}`));
    await eventually(async () => expect(await specReplicas(env(), 'steady')).toBe(4));
    await Promise.all(burst);
    const scalings = await scaledThrough(env(), 'steady');
    const stored = await env().kubectl(
      'get',
      'specialist',
      'steady',
      '-o',
      'jsonpath={.metadata.annotations.slm\\.dev/autoscaler-state}',
    );
    expect((JSON.parse(stored) as { recommendations: { replicas: number }[] }).recommendations).toContainEqual(
      expect.objectContaining({ replicas: 4 }),
    );

    // Killed without a goodbye; a new operator takes the lease once it expires.
    await stopOperator(operator, 'SIGKILL');
    operator = await startOperator(env(), configPath);
    const restarted = operator;
    const intervals = async () =>
      sampleOf(await restarted.metrics(), 'slm_fleet_operator_autoscaler_intervals_total{result="success"}');
    await eventually(async () => expect(await intervals()).toBeGreaterThanOrEqual(5), { timeoutMs: 90_000 });

    // Idle now, but the window read back from the Specialist holds 4 for 600 s: no scale at all.
    expect(await specReplicas(env(), 'steady')).toBe(4);
    expect(await scaledThrough(env(), 'steady')).toEqual(scalings);
  });
});
