import { describe, expect, it } from 'vitest';
import { defaultGpuProfiles, type GpuProfile } from './gpu-profile.js';
import { maxProfilesPerPlacement, placementFor, preferenceWeights } from './placement-for.js';

const nvidiaToleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const l4Term = { matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }] };
const h100Term = {
  matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-H100-80GB-HBM3'] }],
};
const spotL4: GpuProfile = {
  name: 'l4-spot',
  resourceName: 'nvidia.com/gpu',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-spot': 'true' },
  tolerations: [
    nvidiaToleration,
    { key: 'cloud.google.com/gke-spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
  ],
};
const profiles = [...defaultGpuProfiles, spotL4];

describe('placementFor', () => {
  it('requires the one profile’s nodes and prefers nothing', () => {
    expect(placementFor(['nvidia-l4'], profiles)).toEqual({
      resourceName: 'nvidia.com/gpu',
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [l4Term] } },
      tolerations: [nvidiaToleration],
    });
  });

  it('accepts any listed profile and prefers them in order, first by far', () => {
    const { nodeAffinity } = placementFor(['nvidia-h100', 'nvidia-l4'], profiles);
    expect(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([h100Term, l4Term]);
    expect(nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, preference: h100Term },
      { weight: 1, preference: l4Term },
    ]);
  });

  it('ANDs a profile’s labels within its term, in a stable order', () => {
    const { nodeAffinity } = placementFor(['l4-spot', 'nvidia-l4', 'nvidia-h100'], profiles);
    const [spotTerm] = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    expect(spotTerm).toEqual({
      matchExpressions: [
        { key: 'cloud.google.com/gke-spot', operator: 'In', values: ['true'] },
        { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] },
      ],
    });
    const weights = nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.map((term) => term.weight);
    expect(weights).toEqual([100, 10, 1]);
  });

  it('tolerates the union of the profiles’ taints, each once', () => {
    const { tolerations } = placementFor(['l4-spot', 'nvidia-l4'], profiles);
    expect(tolerations).toEqual(spotL4.tolerations);
  });

  it('returns tolerations the caller may change without changing the profiles', () => {
    const { tolerations } = placementFor(['nvidia-l4'], profiles);
    tolerations[0]!.effect = 'NoExecute';
    expect(defaultGpuProfiles[0]?.tolerations[0]?.effect).toBe('NoSchedule');
  });

  it('requests the AMD resource for an AMD profile', () => {
    const placement = placementFor(['amd-mi300x'], profiles);
    expect(placement.resourceName).toBe('amd.com/gpu');
    expect(placement.tolerations).toEqual([{ key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it.each<[string, string[], string]>([
    [
      'profiles with different resources',
      ['nvidia-l4', 'amd-mi300x'],
      'request different resources (nvidia.com/gpu, amd.com/gpu)',
    ],
    [
      'unknown profiles, all named',
      ['nvidia-a100', 'nvidia-l4', 'tpu'],
      'Unknown GPU profile(s) "nvidia-a100", "tpu"; configured: nvidia-l4',
    ],
    ['no profile', [], 'At least one GPU profile must be named.'],
    ['a profile listed twice', ['nvidia-l4', 'nvidia-h100', 'nvidia-l4'], 'GPU profile "nvidia-l4" is listed twice.'],
    [
      'more profiles than distinct weights',
      Array.from({ length: maxProfilesPerPlacement + 1 }, (_, i) => `p${i}`),
      `At most ${maxProfilesPerPlacement} GPU profiles`,
    ],
  ])('rejects %s', (_case, names, message) => {
    expect(() => placementFor(names, profiles)).toThrow(message);
  });
});

describe('preferenceWeights', () => {
  it.each(Array.from({ length: maxProfilesPerPlacement - 1 }, (_, i) => i + 2))(
    'gives %i profiles strictly decreasing weights from 100 to 1',
    (count) => {
      const weights = preferenceWeights(count);
      expect(weights).toHaveLength(count);
      expect(weights[0]).toBe(100);
      expect(weights.at(-1)).toBe(1);
      weights.slice(1).forEach((weight, index) => expect(weight).toBeLessThan(weights[index]!));
    },
  );

  it('puts the first choice at least 40 points of 100 ahead of the second', () => {
    for (let count = 2; count <= maxProfilesPerPlacement; count++) {
      const [first = 0, second = 0] = preferenceWeights(count);
      expect(first - second).toBeGreaterThanOrEqual(40);
    }
  });
});
