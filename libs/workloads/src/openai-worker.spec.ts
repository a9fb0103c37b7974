import { describe, expect, it } from 'vitest';
import type { SpecialistSpec } from '@slm-fleet/api';
import { desiredObjects, type WorkloadSettings } from './desired-objects.js';
import { openaiWorkerArgs } from './openai-worker.js';
import { specialist } from './test-fixtures.js';

const settings: WorkloadSettings = {
  worker: { image: 'ghcr.io/slm-fleet/slm-fleet:test', redisSecret: { name: 'redis', key: 'url' } },
  gpuProfiles: [],
  defaultGpuProfiles: [],
  networkPolicy: { enabled: true, scrapers: [{ podSelector: {} }] },
};

const openai = (spec: Partial<SpecialistSpec> = {}, engine: Partial<SpecialistSpec['engine']> = {}, key = true) => {
  const stored = specialist();
  delete stored.spec.resources;
  stored.spec = {
    ...stored.spec,
    model: { uri: 'gpt-4o-mini' },
    engine: {
      kind: 'openai',
      url: 'https://llm.example.com/v1',
      ...(key ? { secretRef: { name: 'openai-api-key', key: 'apiKey' } } : {}),
      maxConcurrency: 16,
      ...engine,
    },
    ...spec,
  };
  return desiredObjects({ ...stored, metadata: { ...stored.metadata, uid: 'uid-1' } }, settings, { drainToken: 't' });
};

const workerOf = (objects: ReturnType<typeof openai>) => {
  const pod = objects.deployment.spec?.template.spec;
  const [worker, ...others] = pod?.containers ?? [];
  if (!worker || others.length > 0) throw new Error('want one container');
  const env = Object.fromEntries((worker.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
  return { pod, worker, env };
};

describe('desiredObjects for engine.kind openai: a worker Deployment, no engine', () => {
  it('runs only the worker, pointed at engine.url, asking for model.uri, with the key by reference', () => {
    const { worker, env } = workerOf(openai());
    expect(worker.name).toBe('worker');
    expect(env['SLM_FLEET_ENGINE_URL']).toBe('https://llm.example.com/v1');
    expect(env['SLM_FLEET_MODEL']).toBe('gpt-4o-mini');
    expect(env['SLM_FLEET_CONCURRENCY']).toBe('16');
    expect(env['SLM_FLEET_ENGINE_API_KEY']).toEqual({ secretKeyRef: { name: 'openai-api-key', key: 'apiKey' } });
    // The key is a reference everywhere: no literal value anywhere in the container.
    expect(worker.env?.find((e) => e.name === 'SLM_FLEET_ENGINE_API_KEY')?.value).toBeUndefined();
    expect(worker.args).toEqual(['worker', '--host', '0.0.0.0', '--http-port', '8082', '--endpoint-concurrency', '16']);
  });

  it('passes the budgets of engine.limits as flags', () => {
    const { worker } = workerOf(openai({}, { limits: { requestsPerMinute: 500, tokensPerMinute: 90000 } }));
    expect(worker.args?.slice(5)).toEqual([
      '--endpoint-concurrency',
      '16',
      '--requests-per-minute',
      '500',
      '--tokens-per-minute',
      '90000',
    ]);
  });

  it.each([
    [undefined, ['--endpoint-concurrency', '8']],
    [{ requestsPerMinute: 60 }, ['--endpoint-concurrency', '8', '--requests-per-minute', '60']],
    [{ tokensPerMinute: 1000 }, ['--endpoint-concurrency', '8', '--tokens-per-minute', '1000']],
  ])('gives each budget of engine.limits %j its own flag (local mode passes the same)', (limits, args) => {
    const stored = specialist();
    stored.spec.engine = {
      kind: 'openai',
      url: 'https://llm.example.com/v1',
      maxConcurrency: 8,
      ...(limits ? { limits } : {}),
    };
    expect(openaiWorkerArgs(stored)).toEqual(args);
  });

  it('asks for model.servedName when set, and takes no key without engine.secretRef', () => {
    const served = { model: { uri: 'meta/llama-3.1-70b-instruct', servedName: 'llama-70b' } };
    const { env } = workerOf(openai(served, {}, false));
    expect(env['SLM_FLEET_MODEL']).toBe('llama-70b');
    expect(env).not.toHaveProperty('SLM_FLEET_ENGINE_API_KEY');
  });

  it('is locked down like the sidecar, requests no GPU, and mounts no API token', () => {
    const { pod, worker } = workerOf(openai());
    expect(worker.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(JSON.stringify(worker.resources)).not.toContain('gpu');
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.tolerations).toBeUndefined();
    expect(pod?.affinity).toBeUndefined();
    // The drain: the call timeout, then a short stop (no engine to wait for).
    expect(pod?.terminationGracePeriodSeconds).toBe(70);
  });

  it('takes the replicas within the scaling bounds, and the placement without a GPU profile', () => {
    const objects = openai({
      replicas: 3,
      placement: { nodeSelector: { pool: 'cpu' }, priorityClassName: 'high' },
    });
    expect(objects.deployment.spec?.replicas).toBe(3);
    expect(objects.deployment.spec?.strategy).toEqual({ type: 'RollingUpdate' });
    expect(workerOf(objects).pod).toMatchObject({ nodeSelector: { pool: 'cpu' }, priorityClassName: 'high' });
  });

  it("exposes and admits only the worker's port", () => {
    const objects = openai();
    expect(objects.service.spec?.ports).toEqual([{ name: 'http-worker', port: 8082, targetPort: 8082 }]);
    expect(objects.networkPolicy?.spec?.ingress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 8082 }]);
    expect(objects.podDisruptionBudget.spec?.maxUnavailable).toBe(1);
  });
});
