import { describe, expect, it } from 'vitest';
import type { Condition } from '@slm-fleet/api';
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

  it('is Ready/ExternalEndpoint for engine.kind openai, with no replicas', () => {
    const status = run({ engine: { kind: 'openai', url: 'https://llm.example/v1', maxConcurrency: 8 } }, undefined);
    expect(statusOf(status.conditions ?? []).Ready).toBe('True/ExternalEndpoint');
    expect(status.replicas).toBe(0);
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
