import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from './config.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'operator-config.yaml');

describe('parseOperatorConfig', () => {
  it('gives working defaults for an empty file', () => {
    const config = parseOperatorConfig(undefined);
    expect(config.workloads.gpuProfiles.map((p) => p.name)).toContain('nvidia-l4');
    expect(config.workloads.defaultGpuProfiles).toEqual(['nvidia-l4']);
    expect(config.workloads.worker.redisSecret).toEqual({ name: 'slm-fleet-redis', key: 'url' });
    expect(config.namespaces).toEqual([]);
    expect(config.workloads.networkPolicy).toEqual({ enabled: true, scrapers: [] });
    expect(config.leaderElection).toEqual({ enabled: true, namespace: 'default', leaseName: 'slm-fleet-operator' });
    expect(config.autoscaler).toEqual({
      enabled: true,
      intervalSeconds: 5,
      routerMetricsUrls: [],
      countFreeGpus: true,
    });
  });

  it('reads the documented example, which spells out the defaults', () => {
    const config = parseOperatorConfig(parse(readFileSync(example, 'utf8')));
    expect(config).toEqual({ ...parseOperatorConfig({}), workloads: { ...config.workloads } });
    expect(config.workloads.gpuProfiles.map((p) => p.name)).toEqual(['nvidia-l4', 'nvidia-h100']);
  });

  it.each([
    [{ defaultGpuProfiles: ['nvidia-a100'] }, /defaultGpuProfiles must list names from gpuProfiles/],
    [{ gpuProfiles: [{ name: 'x' }] }, /gpuProfiles\[0\]\.resourceName is required/],
    [{ namespaces: ['Team A'] }, /namespaces must be a list of namespace names/],
    [{ worker: { image: '' } }, /worker\.image must be a non-empty string/],
    [{ resyncSeconds: 0 }, /resyncSeconds must be a whole number of seconds, at least 1/],
    [[], /operator config must be a mapping/],
    [{ engineImages: { openai: 'x' } }, /engineImages\.openai: not an engine that runs in a pod/],
    [{ engineImages: { vllm: 'a b' } }, /engineImages\.vllm must be an image reference without spaces/],
    [{ specialistNetworkPolicy: { enabled: 1 } }, /specialistNetworkPolicy\.enabled must be true or false/],
    [
      { specialistNetworkPolicy: { scrapers: [{ podSelector: {} }, { namespace: 'monitoring' }] } },
      /specialistNetworkPolicy\.scrapers\[1\] must be a NetworkPolicy peer/,
    ],
    [{ autoscaler: { intervalSeconds: 0 } }, /autoscaler\.intervalSeconds must be a number of seconds from 1 to 300/],
    [{ autoscaler: { enabled: 'yes' } }, /autoscaler\.enabled must be true or false/],
    [
      { autoscaler: { routerService: { name: 'r' } } },
      /autoscaler\.routerService\.namespace must be a non-empty string/,
    ],
    [
      { autoscaler: { routerService: { namespace: 'n', name: 'r', port: -1 } } },
      /routerService\.port must be a port name or number/,
    ],
    [
      { autoscaler: { routerMetricsUrls: ['router:8080'] } },
      /autoscaler\.routerMetricsUrls must be a list of http\(s\) URLs/,
    ],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseOperatorConfig(input)).toThrow(message);
  });
});
