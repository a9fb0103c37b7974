import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Specialist, SpecialistSpec } from '@slm-fleet/api';
import { defaultGpuProfiles } from '@slm-fleet/placement';
import { freeGpusOf, gpuPoolOf, pendingUnschedulableOf, type GpuPool } from './scaling-inputs.js';

function specialist(spec: Partial<SpecialistSpec> = {}): Specialist {
  return {
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'Specialist',
    metadata: { name: 'extractor', namespace: 'team-a' },
    spec: {
      model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
      engine: { kind: 'vllm', maxConcurrency: 8 },
      resources: { gpu: { count: 1 } },
      tasks: ['extract-invoice', 'summarise'],
      scaling: {
        mode: 'managed',
        minReplicas: 0,
        maxReplicas: 4,
        targetQueuePerReplica: 4,
        scaleDownDelaySeconds: 300,
      },
      ...spec,
    } as SpecialistSpec,
  };
}

const L4 = { 'nvidia.com/gpu.product': 'NVIDIA-L4' };
const pool: GpuPool = { key: 'l4', resourceName: 'nvidia.com/gpu', nodeSelectors: [L4] };

let nodeCount = 0;
const node = (
  gpus: string,
  extra: { ready?: boolean; unschedulable?: boolean; labels?: Record<string, string> } = {},
): V1Node => ({
  metadata: { name: `node-${++nodeCount}`, labels: extra.labels ?? L4 },
  spec: { unschedulable: extra.unschedulable ?? false },
  status: {
    allocatable: { 'nvidia.com/gpu': gpus, cpu: '8' },
    conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }],
  },
});

const gpuPod = (gpus: string, phase = 'Running', via: 'limits' | 'requests' = 'limits', nodeName?: string): V1Pod => ({
  spec: {
    ...(nodeName ? { nodeName } : {}),
    containers: [
      { name: 'engine', resources: { [via]: { 'nvidia.com/gpu': gpus } } },
      { name: 'worker', resources: { requests: { cpu: '100m' } } },
    ],
  },
  status: { phase },
});

describe('pendingUnschedulableOf', () => {
  it('counts pods the scheduler could not place, not ones leaving or merely pending', () => {
    const stuck: V1Pod = {
      metadata: {},
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    };
    const leaving: V1Pod = { ...stuck, metadata: { deletionTimestamp: new Date() } };
    const starting: V1Pod = { metadata: {}, status: { phase: 'Pending' } };
    expect(pendingUnschedulableOf([stuck, stuck, leaving, starting])).toBe(2);
  });
});

describe('gpuPoolOf', () => {
  const settings = {
    gpuProfiles: defaultGpuProfiles,
    defaultGpuProfiles: ['nvidia-l4'],
    worker: { image: 'i', redisSecret: { name: 's', key: 'k' } },
  };

  it("is the resource and node labels of the Specialist's profiles, the default when it names none", () => {
    const pool = gpuPoolOf(specialist(), settings);
    expect(pool).toMatchObject({ resourceName: 'nvidia.com/gpu', nodeSelectors: [L4] });
    const named = gpuPoolOf(specialist({ resources: { gpu: { count: 1, profiles: ['nvidia-l4'] } } }), settings);
    expect(named?.key).toBe(pool?.key);
  });

  it('is undefined without GPUs or with an unknown profile', () => {
    expect(gpuPoolOf(specialist({ resources: { gpu: { count: 0 } } }), settings)).toBeUndefined();
    expect(gpuPoolOf(specialist({ resources: { gpu: { count: 1, profiles: ['nope'] } } }), settings)).toBeUndefined();
  });
});

describe('freeGpusOf', () => {
  it("is allocatable on the pool's ready, schedulable nodes less what pods and promised replicas take", () => {
    const [a, b] = [node('4'), node('2')];
    const nodes = [
      a,
      b,
      node('8', { ready: false }),
      node('8', { unschedulable: true }),
      node('8', { labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100' } }),
    ];
    const pods = [
      gpuPod('1', 'Running', 'limits', a.metadata?.name),
      gpuPod('2', 'Pending', 'requests'),
      gpuPod('1', 'Succeeded', 'limits', b.metadata?.name),
      gpuPod('3', 'Running', 'limits', nodes[4]?.metadata?.name),
    ];
    expect(freeGpusOf(nodes, pods, pool, 0)).toBe(3);
    expect(freeGpusOf(nodes, pods, pool, 2)).toBe(1);
  });

  it('is never negative, and 0 for a resource no node has', () => {
    expect(freeGpusOf([node('1')], [gpuPod('1'), gpuPod('1')], pool, 3)).toBe(0);
    expect(freeGpusOf([node('4')], [], { ...pool, resourceName: 'amd.com/gpu' }, 0)).toBe(0);
  });

  it('ignores quantities that are not whole numbers', () => {
    expect(freeGpusOf([node('2'), node('1.5')], [gpuPod('x')], pool, 0)).toBe(2);
  });
});
