import { describe, expect, it } from 'vitest';
import { diagnosePods } from './pod-diagnosis.js';
import { pendingPod, waitingPod } from './test-fixtures.js';

const insufficient = '0/5 nodes are available: 4 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint.';

describe('diagnosePods', () => {
  it('finds nothing wrong with no pods or healthy pods', () => {
    expect(diagnosePods([], 'nvidia.com/gpu')).toBeUndefined();
    expect(
      diagnosePods([{ metadata: { name: 'ok' }, status: { phase: 'Running' } }], 'nvidia.com/gpu'),
    ).toBeUndefined();
  });

  it('calls a pod that lacks GPUs InsufficientGPU, with the scheduler message', () => {
    expect(diagnosePods([pendingPod('p1', insufficient)], 'nvidia.com/gpu')).toEqual({
      reason: 'InsufficientGPU',
      message: `pod p1 cannot be scheduled: ${insufficient}`,
    });
  });

  it('calls it Unschedulable when the GPU resource is another one', () => {
    expect(diagnosePods([pendingPod('p1', insufficient)], 'amd.com/gpu')?.reason).toBe('Unschedulable');
  });

  it('reports crash loops and image pull failures', () => {
    expect(diagnosePods([waitingPod('p1', 'CrashLoopBackOff')], 'nvidia.com/gpu')?.reason).toBe('EngineCrashLoop');
    expect(diagnosePods([waitingPod('p1', 'ImagePullBackOff', 'not found')], 'nvidia.com/gpu')).toEqual({
      reason: 'ImagePullFailed',
      message: 'pod p1 cannot pull vllm/vllm-openai:v0: not found',
    });
  });

  it('puts the worst reason first and counts the others like it', () => {
    const pods = [waitingPod('p0', 'CrashLoopBackOff'), pendingPod('p1', insufficient), pendingPod('p2', insufficient)];
    expect(diagnosePods(pods, 'nvidia.com/gpu')).toEqual({
      reason: 'InsufficientGPU',
      message: `pod p1 cannot be scheduled: ${insufficient} (and 1 more)`,
    });
  });
});

describe('diagnosePods with terminating pods', () => {
  it('ignores a pod that is being deleted', () => {
    const leaving = pendingPod('p1', insufficient);
    leaving.metadata = { ...leaving.metadata, deletionTimestamp: new Date() };
    expect(diagnosePods([leaving], 'nvidia.com/gpu')).toBeUndefined();
  });
});
