import { describe, expect, it } from 'vitest';
import type { Condition } from '@slm-fleet/api';
import type { EndpointHealth } from './endpoint-health.js';
import { specialistStatus, type ObservedDeployment } from './specialist-status.js';
import { pendingPod, specialist } from './test-fixtures.js';

const statusOf = (conditions: Condition[] | undefined) =>
  Object.fromEntries((conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

const deployment = (d: Partial<ObservedDeployment>): ObservedDeployment => ({
  generation: 2,
  observedGeneration: 2,
  replicas: 2,
  readyReplicas: 2,
  updatedReplicas: 2,
  ...d,
});

const run = (
  spec: Parameters<typeof specialist>[0],
  dep: ObservedDeployment | undefined,
  pods = [] as ReturnType<typeof pendingPod>[],
) =>
  specialistStatus({
    specialist: specialist(spec, 7),
    pods,
    gpuResourceName: 'nvidia.com/gpu',
    selector: 'slm.dev/specialist=extractor',
    now: '2026-11-24T00:00:00Z',
    ...(dep ? { deployment: dep } : {}),
  });

describe('specialistStatus', () => {
  it('is Ready and Stable when every desired replica is ready', () => {
    const status = run({ replicas: 2 }, deployment({}));
    expect(statusOf(status.conditions ?? [])).toEqual({
      Ready: 'True/AllReplicasReady',
      Progressing: 'False/Stable',
      Degraded: 'False/AsExpected',
      ToolCalling: 'True/Enabled',
    });
    expect(status).toMatchObject({
      observedGeneration: 7,
      replicas: 2,
      readyReplicas: 2,
      desiredReplicas: 2,
      selector: 'slm.dev/specialist=extractor',
    });
  });

  it('is Progressing/Creating before the Deployment exists', () => {
    expect(statusOf(run({}, undefined).conditions)).toMatchObject({
      Ready: 'False/ReplicasNotReady',
      Progressing: 'True/Creating',
    });
  });

  it('is Degraded/InsufficientGPU, not Ready, when a pod cannot get GPUs', () => {
    const status = run({ replicas: 3 }, deployment({ replicas: 3, readyReplicas: 2, updatedReplicas: 3 }), [
      pendingPod('p3', '0/5 nodes are available: 4 Insufficient nvidia.com/gpu.'),
    ]);
    expect(statusOf(status.conditions ?? [])).toEqual({
      Ready: 'False/InsufficientGPU',
      Progressing: 'True/WaitingForReplicas',
      Degraded: 'True/InsufficientGPU',
      ToolCalling: 'True/Enabled',
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/^2\/3 replicas ready: pod p3/);
  });

  it.each([
    ['a known family (Qwen2.5: hermes)', {}, 'True/Enabled', /hermes/],
    [
      'a parser the Specialist names',
      { engine: { kind: 'vllm' as const, maxConcurrency: 8, toolCallParser: 'mistral' } },
      'True/ParserSet',
      /mistral/,
    ],
    [
      'a family with no known parser',
      { model: { uri: 'hf://acme/house-model-7b' } },
      'False/NoKnownParser',
      /toolCallParser/,
    ],
    [
      'tool calling turned off',
      { engine: { kind: 'vllm' as const, maxConcurrency: 8, toolCallParser: 'none' } },
      'False/TurnedOff',
      /none/,
    ],
  ])('says whether the engine does tool calls: %s', (_, spec, condition, message) => {
    const status = run(spec, deployment({}));
    expect(statusOf(status.conditions).ToolCalling).toBe(condition);
    expect(status.conditions?.find((c) => c.type === 'ToolCalling')?.message).toMatch(message);
  });

  it('says RollingOut while the Deployment has not caught up with a change', () => {
    const status = run({ replicas: 2 }, deployment({ generation: 3, observedGeneration: 2 }));
    expect(statusOf(status.conditions ?? []).Progressing).toBe('True/RollingOut');
  });

  it('is Ready/ScaledToZero with no replicas wanted', () => {
    const spec = {
      replicas: 0,
      scaling: {
        mode: 'managed' as const,
        minReplicas: 0,
        maxReplicas: 2,
        targetQueuePerReplica: 4,
        scaleDownDelaySeconds: 300,
      },
    };
    expect(
      statusOf(run(spec, deployment({ replicas: 0, readyReplicas: 0, updatedReplicas: 0 })).conditions).Ready,
    ).toBe('True/ScaledToZero');
  });

  describe('engine.kind openai: the endpoint, then its workers', () => {
    const openai = { engine: { kind: 'openai' as const, url: 'https://llm.example/v1', maxConcurrency: 8 } };
    const serves = { ready: true, reason: 'EndpointReady' as const, message: 'https://llm.example/v1 serves big' };
    const refused = { ready: false, reason: 'Unauthorized' as const, message: 'GET ... answered 401' };
    const runWith = (endpoint: EndpointHealth | undefined, dep: ObservedDeployment | undefined) =>
      specialistStatus({
        specialist: specialist({ ...openai, replicas: 2 }, 7),
        pods: [],
        gpuResourceName: 'nvidia.com/gpu',
        selector: 's',
        now: '2026-11-24T00:00:00Z',
        ...(dep ? { deployment: dep } : {}),
        ...(endpoint ? { endpoint } : {}),
      });

    it.each<[string, EndpointHealth | undefined, ObservedDeployment | undefined, Record<string, string>]>([
      [
        'endpoint approved, every worker ready',
        serves,
        deployment({}),
        { Ready: 'True/EndpointReady', Progressing: 'False/Stable', Degraded: 'False/AsExpected' },
      ],
      [
        'endpoint approved, workers starting',
        serves,
        deployment({ readyReplicas: 1 }),
        { Ready: 'False/ReplicasNotReady', Progressing: 'True/WaitingForReplicas', Degraded: 'False/AsExpected' },
      ],
      [
        'endpoint refusing the key, workers ready',
        refused,
        deployment({}),
        { Ready: 'False/Unauthorized', Progressing: 'False/Stable', Degraded: 'True/Unauthorized' },
      ],
      [
        'not probed yet',
        undefined,
        deployment({}),
        { Ready: 'Unknown/Probing', Progressing: 'False/Stable', Degraded: 'False/AsExpected' },
      ],
    ])('%s', (_case, endpoint, dep, conditions) => {
      expect(statusOf(runWith(endpoint, dep).conditions)).toEqual(conditions);
    });

    it('counts the workers as replicas, and says both in the Ready message', () => {
      const status = runWith(serves, deployment({}));
      expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, desiredReplicas: 2 });
      expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
        'https://llm.example/v1 serves big; 2/2 workers ready',
      );
    });
  });

  it('keeps the transition time of a condition whose status did not change', () => {
    const first = run({ replicas: 2 }, deployment({}));
    const again = specialistStatus({
      specialist: { ...specialist({ replicas: 2 }, 7), status: first },
      deployment: deployment({}),
      pods: [],
      gpuResourceName: 'nvidia.com/gpu',
      selector: 's',
      now: '2026-11-25T00:00:00Z',
    });
    expect((again.conditions ?? []).map((c) => c.lastTransitionTime)).toEqual(
      (first.conditions ?? []).map((c) => c.lastTransitionTime),
    );
  });

  it("shows the autoscaler's queue snapshot and last scale, and keeps the last scale when it says none", () => {
    const scaling = { queue: { waiting: 3, active: 2 }, lastScaleTime: '2026-11-24T00:00:00Z' };
    const status = specialistStatus({
      specialist: specialist({ replicas: 2 }, 7),
      deployment: deployment({}),
      pods: [],
      gpuResourceName: 'nvidia.com/gpu',
      selector: 's',
      now: '2026-11-24T00:00:05Z',
      scaling,
    });
    expect(status).toMatchObject(scaling);
    const later = specialistStatus({
      specialist: { ...specialist({ replicas: 2 }, 7), status },
      deployment: deployment({}),
      pods: [],
      gpuResourceName: 'nvidia.com/gpu',
      selector: 's',
      now: '2026-11-24T00:01:00Z',
    });
    expect(later.lastScaleTime).toBe('2026-11-24T00:00:00Z');
    expect(later.queue).toBeUndefined();
  });

  it('is Degraded/InsufficientGPU while the free GPUs went to a higher-priority Specialist', () => {
    const gpuShortfall = 'waiting for 1 GPU; higher-priority team/urgent goes first';
    const status = specialistStatus({
      specialist: specialist({ replicas: 2 }, 7),
      deployment: deployment({}),
      pods: [],
      gpuResourceName: 'nvidia.com/gpu',
      selector: 's',
      now: '2026-11-24T00:00:05Z',
      scaling: { gpuShortfall },
    });
    expect(statusOf(status.conditions).Degraded).toBe('True/InsufficientGPU');
    expect(status.conditions?.find((c) => c.type === 'Degraded')?.message).toBe(gpuShortfall);
  });
});
