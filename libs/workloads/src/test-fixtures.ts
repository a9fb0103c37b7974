// Shared builders for the unit tests of this lib (not exported from the package).
import type { V1Pod } from '@kubernetes/client-node';
import type { Specialist, SpecialistSpec } from '@slm-fleet/api';

export function specialist(spec: Partial<SpecialistSpec> = {}, generation = 1): Specialist {
  return {
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'Specialist',
    metadata: { name: 'extractor', namespace: 'team-a', generation },
    spec: {
      model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
      engine: { kind: 'vllm', maxConcurrency: 8 },
      resources: { gpu: { count: 1 } },
      tasks: ['extract-invoice'],
      scaling: {
        mode: 'managed',
        minReplicas: 1,
        maxReplicas: 4,
        targetQueuePerReplica: 4,
        scaleDownDelaySeconds: 300,
      },
      ...spec,
    },
  };
}

export function pendingPod(name: string, message: string): V1Pod {
  return {
    metadata: { name },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
    },
  };
}

export function waitingPod(name: string, reason: string, message?: string): V1Pod {
  return {
    metadata: { name },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'engine',
          image: 'vllm/vllm-openai:v0',
          imageID: '',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason, ...(message ? { message } : {}) } },
        },
      ],
    },
  };
}
