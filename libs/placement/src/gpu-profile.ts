import type { V1Toleration } from '@kubernetes/client-node';

/**
 * A kind of GPU node, as cluster-wide operator configuration: the extended resource its GPUs are
 * advertised as, the labels that select its nodes, and the taints pods must tolerate to land there.
 */
export interface GpuProfile {
  name: string;
  resourceName: string;
  /** At least one label: the profile becomes one nodeSelectorTerm, and an empty term matches no node. */
  nodeSelector: Record<string, string>;
  tolerations: V1Toleration[];
}

/** Tolerates the taint managed clusters put on GPU nodes: the resource name as key, NoSchedule. */
function gpuProfile(name: string, resourceName: string, label: string, product: string): GpuProfile {
  return {
    name,
    resourceName,
    nodeSelector: { [label]: product },
    tolerations: [{ key: resourceName, operator: 'Exists', effect: 'NoSchedule' }],
  };
}

/**
 * Profiles for common data-centre GPUs, selected by the labels the vendors' node labellers set:
 * NVIDIA GPU Feature Discovery's `nvidia.com/gpu.product` and the ROCm node labeller's
 * `amd.com/gpu.product-name`.
 */
export const defaultGpuProfiles: GpuProfile[] = [
  gpuProfile('nvidia-l4', 'nvidia.com/gpu', 'nvidia.com/gpu.product', 'NVIDIA-L4'),
  gpuProfile('nvidia-h100', 'nvidia.com/gpu', 'nvidia.com/gpu.product', 'NVIDIA-H100-80GB-HBM3'),
  gpuProfile('amd-mi300x', 'amd.com/gpu', 'amd.com/gpu.product-name', 'AMD_Instinct_MI300X_OAM'),
];
