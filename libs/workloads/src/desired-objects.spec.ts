import { describe, expect, it } from 'vitest';
import type { SpecialistSpec } from '@slm-fleet/api';
import { desiredObjects, type WorkloadSettings } from './desired-objects.js';
import { specialist } from './test-fixtures.js';
import { drainTokenOf } from './worker-sidecar.js';

const settings: WorkloadSettings = {
  worker: { image: 'ghcr.io/slm-fleet/slm-fleet:test', redisSecret: { name: 'redis', key: 'url' } },
  gpuProfiles: [
    {
      name: 'nvidia-l4',
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
      tolerations: [],
    },
  ],
  defaultGpuProfiles: ['nvidia-l4'],
};

/** The objects of the fixture Specialist with `engine` over a vllm one, under `settings` and `more`. */
function objectsOf(
  engine: Partial<SpecialistSpec['engine']> = {},
  more: Partial<WorkloadSettings> = {},
  drainToken?: string,
) {
  const stored = specialist({ engine: { kind: 'vllm', maxConcurrency: 8, ...engine } });
  // As read from the API server, which gives every object a uid (the owner references need it).
  return desiredObjects(
    { ...stored, metadata: { ...stored.metadata, uid: 'uid-1' } },
    { ...settings, ...more },
    drainToken === undefined ? {} : { drainToken },
  );
}

function podOf(engine: Partial<SpecialistSpec['engine']> = {}, drainToken?: string) {
  const pod = objectsOf(engine, {}, drainToken)?.deployment.spec?.template.spec;
  if (!pod) throw new Error('no pod template rendered');
  const container = (name: string) => pod.containers.find((c) => c.name === name);
  const drainTimeout = container('worker')?.env?.find((e) => e.name === 'SLM_FLEET_DRAIN_TIMEOUT')?.value;
  return { pod, container, drainTimeout };
}

describe('desiredObjects: a replica leaving', () => {
  it("holds both containers in a preStop on the worker's GET /drain, with the drain token", () => {
    const token = 'tok-0123456789abcdef0123456789abcdef0123456';
    const { container } = podOf({}, token);
    const drain = {
      preStop: {
        httpGet: { path: '/drain', port: 8082, httpHeaders: [{ name: 'Authorization', value: `Bearer ${token}` }] },
      },
    };
    expect(container('worker')?.lifecycle).toEqual(drain);
    expect(container('engine')?.lifecycle).toEqual(drain);
    // The worker requires the same token: its env has it.
    expect(container('worker')?.env).toContainEqual({ name: 'SLM_FLEET_DRAIN_TOKEN', value: token });
    expect(container('engine')?.env?.map((e) => e.name)).not.toContain('SLM_FLEET_DRAIN_TOKEN');
  });

  it('renders no token without one: the hooks send no header and the worker answers loopback only', () => {
    const { container } = podOf();
    const drain = { preStop: { httpGet: { path: '/drain', port: 8082 } } };
    expect(container('worker')?.lifecycle).toEqual(drain);
    expect(container('engine')?.lifecycle).toEqual(drain);
    expect(container('worker')?.env?.map((e) => e.name)).not.toContain('SLM_FLEET_DRAIN_TOKEN');
  });

  it('reads the token back from a rendered Deployment, so the next render is the same object', () => {
    const first = objectsOf({}, {}, 'first-token-0123456789abcdef')?.deployment;
    expect(drainTokenOf(first)).toBe('first-token-0123456789abcdef');
    expect(objectsOf({}, {}, drainTokenOf(first))?.deployment).toEqual(first);
    // A Deployment from before tokens (or none yet) has none to keep.
    expect(drainTokenOf(objectsOf()?.deployment)).toBeUndefined();
    expect(drainTokenOf(undefined)).toBeUndefined();
  });

  it('drains for the call timeout, 60 s by default, and gives the engine 30 s more to stop', () => {
    const { pod, drainTimeout } = podOf();
    expect(drainTimeout).toBe('60s');
    expect(pod.terminationGracePeriodSeconds).toBe(90);
  });

  it('sizes the drain and the termination grace from engine.callTimeoutSeconds', () => {
    const { pod, drainTimeout } = podOf({ callTimeoutSeconds: 600 });
    expect(drainTimeout).toBe('600s');
    expect(pod.terminationGracePeriodSeconds).toBe(630);
  });
});

describe('desiredObjects: engine images', () => {
  const engineImage = (engine: Partial<SpecialistSpec['engine']>, engineImages?: Record<string, string>) => {
    const pod = objectsOf(engine, engineImages ? { engineImages } : {})?.deployment.spec?.template.spec;
    return pod?.containers.find((c) => c.name === 'engine')?.image;
  };

  it("takes the operator's image for the engine kind over the default, and the Specialist's over both", () => {
    expect(engineImage({})).toMatch(/^vllm\/vllm-openai:/);
    expect(engineImage({}, { vllm: 'mirror.example/vllm:pinned' })).toBe('mirror.example/vllm:pinned');
    expect(engineImage({ image: 'own.example/vllm:1' }, { vllm: 'mirror.example/vllm:pinned' })).toBe(
      'own.example/vllm:1',
    );
    expect(engineImage({}, { sglang: 'mirror.example/sglang:1' })).toMatch(/^vllm\/vllm-openai:/);
  });
});

describe('desiredObjects: network policy', () => {
  const policyOf = (kind: 'vllm' | 'sglang', networkPolicy?: WorkloadSettings['networkPolicy']) =>
    objectsOf({ kind }, networkPolicy ? { networkPolicy } : {})?.networkPolicy;
  const prometheus = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };

  it('is left out unless enabled', () => {
    expect(policyOf('vllm')).toBeUndefined();
    expect(policyOf('vllm', { enabled: false, scrapers: [prometheus] })).toBeUndefined();
  });

  it("refuses every pod's ingress to the Specialist's pods when no scraper is named", () => {
    const policy = policyOf('vllm', { enabled: true, scrapers: [] });
    expect(policy?.spec).toEqual({
      podSelector: { matchLabels: { 'slm.dev/specialist': 'extractor' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
    expect(policy?.metadata?.ownerReferences?.[0]?.uid).toBe('uid-1');
  });

  it("lets the scrapers reach the worker's port and the engine kind's own port, nothing else", () => {
    const rules = (kind: 'vllm' | 'sglang') => policyOf(kind, { enabled: true, scrapers: [prometheus] })?.spec?.ingress;
    expect(rules('vllm')).toEqual([
      {
        _from: [prometheus],
        ports: [
          { protocol: 'TCP', port: 8082 },
          { protocol: 'TCP', port: 8000 },
        ],
      },
    ]);
    expect(rules('sglang')?.[0]?.ports?.[1]).toEqual({ protocol: 'TCP', port: 30000 });
  });
});

describe("desiredObjects: the worker uses the operator's queue keys", () => {
  const workerEnv = (queue?: { prefix: string; cluster: boolean }) =>
    objectsOf({}, { worker: { ...settings.worker, ...(queue ? { queue } : {}) } })
      ?.deployment.spec?.template.spec?.containers.find((c) => c.name === 'worker')
      ?.env?.filter((e) => e.name === 'SLM_FLEET_QUEUE_PREFIX' || e.name === 'REDIS_CLUSTER');

  it.each([
    ['no queue settings', undefined, []],
    ['the default prefix, one node: nothing to say', { prefix: 'slm', cluster: false }, []],
    ['another prefix', { prefix: 'team-a', cluster: false }, [{ name: 'SLM_FLEET_QUEUE_PREFIX', value: 'team-a' }]],
    ['a Redis Cluster', { prefix: 'slm', cluster: true }, [{ name: 'REDIS_CLUSTER', value: 'true' }]],
  ])('%s', (_, queue, expected) => {
    expect(workerEnv(queue)).toEqual(expected);
  });
});
