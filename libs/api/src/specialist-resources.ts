// What each Specialist replica gets (GPUs, CPU, memory) and where its pods may run (placement).
import { Type } from '@sinclair/typebox';
import { kubernetesAffinity } from './kubernetes-affinity.js';
import { dnsLabel, enumOf, labelMap, quantity } from './schema-helpers.js';

const Gpu = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'GPUs per replica (0 = CPU only).' }),
    profiles: Type.Optional(
      Type.Array(dnsLabel('A GPU profile name from the operator configuration.', 'a GPU profile name', 'nvidia-l4'), {
        minItems: 1,
        maxItems: 8,
        'x-kubernetes-list-type': 'set',
        description:
          "Acceptable GPU profiles in order of preference (e.g. [nvidia-l4, nvidia-h100]); a replica lands on the first that has room. Defaults to the operator's default profile.",
      }),
    ),
  },
  { description: 'GPUs each replica needs.' },
);

export const Resources = Type.Object(
  {
    gpu: Gpu,
    cpu: Type.Optional(
      quantity(
        'CPU for the engine container (a request, no limit), e.g. "8" or "500m".',
        'resources.cpu must be a non-negative Kubernetes quantity: a number of cores, e.g. 8 or "0.5", or millicores, e.g. "500m"',
      ),
    ),
    memory: Type.Optional(
      quantity(
        'Memory for the engine container (request and limit), e.g. "32Gi".',
        'resources.memory must be a non-negative Kubernetes quantity: a number with a unit, e.g. "32Gi" or "512Mi" (Ki, Mi, Gi, Ti are powers of 1024; k, M, G, T powers of 1000; "GB" is not a unit)',
      ),
    ),
  },
  { description: 'Compute for each replica.' },
);

const Toleration = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        maxLength: 316,
        description: 'The taint key the toleration applies to; empty with operator Exists matches every key.',
      }),
    ),
    operator: Type.Optional(
      enumOf(['Exists', 'Equal'] as const, {
        description: 'Equal (the default): the taint value must equal value. Exists: any value (leave value empty).',
      }),
    ),
    value: Type.Optional(Type.String({ maxLength: 63, description: 'The taint value to match with operator Equal.' })),
    effect: Type.Optional(
      enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, {
        description: 'The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.',
      }),
    ),
    tolerationSeconds: Type.Optional(
      Type.Integer({
        description:
          'With effect NoExecute: how long the pod stays on a node after the taint appears (unset: forever, 0 or less: evicted at once).',
      }),
    ),
  },
  { description: 'A core/v1 Toleration: lets the pods run on nodes with a matching taint.' },
);

export const Placement = Type.Object(
  {
    nodeSelector: Type.Optional(
      labelMap('Extra node labels the pods require, on top of the GPU profile (at most 32).', 32),
    ),
    tolerations: Type.Optional(
      Type.Array(Toleration, {
        maxItems: 32,
        description: "Extra tolerations, added to the GPU profile's.",
      }),
    ),
    affinity: Type.Optional(
      kubernetesAffinity(
        'A core/v1 Affinity (the Pod field, checked field by field: unknown fields are refused or dropped), merged with the GPU profile placement.',
      ),
    ),
    priorityClassName: Type.Optional(
      dnsLabel('PriorityClass of the pods.', 'placement.priorityClassName', 'high-priority'),
    ),
  },
  { description: 'Where the pods may run, beyond the GPU profile.' },
);
