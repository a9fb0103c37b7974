import { describe, expect, it } from 'vitest';
import { defaultGpuProfiles } from './gpu-profile.js';
import { parseGpuProfiles } from './parse-gpu-profiles.js';

const l4 = {
  name: 'nvidia-l4',
  resourceName: 'nvidia.com/gpu',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
};

describe('parseGpuProfiles', () => {
  it('accepts profiles as parsed from YAML', () => {
    const spot = {
      name: 'l4-spot',
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4', 'cloud.google.com/gke-spot': 'true' },
      tolerations: [
        { key: 'cloud.google.com/gke-spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
    };
    expect(parseGpuProfiles([l4, spot])).toEqual([l4, spot]);
  });

  it('defaults tolerations to none', () => {
    const withoutTolerations: Record<string, unknown> = { ...l4 };
    delete withoutTolerations['tolerations'];
    expect(parseGpuProfiles([withoutTolerations])[0]?.tolerations).toEqual([]);
  });

  it('accepts the built-in profiles', () => {
    expect(parseGpuProfiles(JSON.parse(JSON.stringify(defaultGpuProfiles)))).toEqual(defaultGpuProfiles);
  });

  it('returns copies, so the caller’s config objects are not shared', () => {
    const input = [structuredClone(l4)];
    const [parsed] = parseGpuProfiles(input);
    parsed!.nodeSelector['extra'] = 'x';
    parsed!.tolerations.push({ operator: 'Exists' });
    expect(input[0]).toEqual(l4);
  });

  const withField = (field: string, value: unknown) => [l4, { ...l4, name: 'second', [field]: value }];
  const withToleration = (toleration: unknown) => withField('tolerations', [toleration]);

  it.each<[string, unknown, string]>([
    ['a mapping instead of a list', { 'nvidia-l4': l4 }, 'gpuProfiles must be a list of GPU profiles.'],
    ['a profile that is not a mapping', ['nvidia-l4'], 'gpuProfiles[0] must be a mapping.'],
    ['a missing resource name', withField('resourceName', undefined), 'gpuProfiles[1].resourceName is required.'],
    [
      'a resource name without a domain',
      withField('resourceName', 'gpu'),
      'gpuProfiles[1].resourceName must be a domain-qualified resource',
    ],
    ['a missing name', [{ ...l4, name: undefined }], 'gpuProfiles[0].name is required.'],
    ['an uppercase name', withField('name', 'L4'), 'gpuProfiles[1].name must be a lowercase DNS label'],
    ['a name defined twice', [l4, l4], 'gpuProfiles[1].name "nvidia-l4" is defined twice.'],
    ['a missing node selector', withField('nodeSelector', undefined), 'gpuProfiles[1].nodeSelector is required'],
    ['an empty node selector', withField('nodeSelector', {}), 'gpuProfiles[1].nodeSelector needs at least one label'],
    [
      'a non-string label value',
      withField('nodeSelector', { 'nvidia.com/gpu.count': 8 }),
      'gpuProfiles[1].nodeSelector["nvidia.com/gpu.count"] must be a string.',
    ],
    [
      'an invalid label key',
      withField('nodeSelector', { 'nvidia.com/gpu product': 'x' }),
      'gpuProfiles[1].nodeSelector has an invalid label key "nvidia.com/gpu product".',
    ],
    [
      'an invalid label value',
      withField('nodeSelector', { 'nvidia.com/gpu.product': 'NVIDIA L4' }),
      'is not a valid label value: "NVIDIA L4".',
    ],
    ['tolerations as a mapping', withField('tolerations', { key: 'x' }), 'gpuProfiles[1].tolerations must be a list.'],
    ['a misspelt field', withField('toleration', []), 'gpuProfiles[1].toleration is not a known field'],
    [
      'an unknown operator',
      withToleration({ key: 'k', operator: 'In' }),
      'gpuProfiles[1].tolerations[0].operator must be Exists or Equal',
    ],
    [
      'an empty key without Exists',
      withToleration({ operator: 'Equal', value: 'v' }),
      'gpuProfiles[1].tolerations[0].operator must be Exists when the key is empty',
    ],
    [
      'a value with Exists',
      withToleration({ key: 'k', operator: 'Exists', value: 'v' }),
      'gpuProfiles[1].tolerations[0].value must be empty with operator Exists.',
    ],
    [
      'an unknown effect',
      withToleration({ key: 'k', operator: 'Exists', effect: 'NoRun' }),
      'gpuProfiles[1].tolerations[0].effect must be NoSchedule, PreferNoSchedule or NoExecute',
    ],
    [
      'seconds without NoExecute',
      withToleration({ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }),
      'gpuProfiles[1].tolerations[0].tolerationSeconds applies only to effect NoExecute.',
    ],
    [
      'a misspelt toleration field',
      withToleration({ key: 'k', operator: 'Exists', efect: 'NoSchedule' }),
      'gpuProfiles[1].tolerations[0].efect is not a known field',
    ],
  ])('rejects %s, naming the field', (_case, input, message) => {
    expect(() => parseGpuProfiles(input)).toThrow(message);
  });

  it('names the path it was given', () => {
    expect(() => parseGpuProfiles([{ ...l4, resourceName: '' }], 'config.gpus')).toThrow(
      'config.gpus[0].resourceName is required.',
    );
  });
});
