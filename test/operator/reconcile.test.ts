// The operator, run as users run it, against the real API server, scheduler and kwok nodes:
// Specialists become Deployments, Services, PDBs and NetworkPolicies that follow every change,
// heal, and report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  startOperator,
  stopOperator,
  waitForReadyReason,
  writeOperatorConfig,
  type OperatorProcess,
} from './operator-process.js';

const specialist = (name: string, extra = '') => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: hf://Qwen/Qwen2.5-3B-Instruct}
  engine: {kind: vllm, maxConcurrency: 16}
  resources: {gpu: {count: 1, profiles: [nvidia-l4]}}
  tasks: [extract-invoice]
  scaling: {minReplicas: 1, maxReplicas: 4}
${extra}`;

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  lifecycle?: { preStop?: { httpGet?: { path: string; httpHeaders?: { name: string; value: string }[] } } };
}

interface Deployment {
  metadata: { generation: number; ownerReferences?: { kind: string; name: string; controller: boolean }[] };
  spec: {
    replicas: number;
    template: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } };
  };
}

/** The worker's drain token, after checking both preStop hooks send it. */
const drainTokenOf = (deployment: Deployment): string | undefined => {
  const containers = deployment.spec.template.spec.containers;
  const token = containers
    .find((c) => c.name === 'worker')
    ?.env?.find((e) => e.name === 'SLM_FLEET_DRAIN_TOKEN')?.value;
  for (const container of containers) {
    expect(container.lifecycle?.preStop?.httpGet?.httpHeaders, container.name).toEqual([
      { name: 'Authorization', value: `Bearer ${token}` },
    ]);
  }
  return token;
};

const prometheus = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };

interface NetworkPolicy {
  spec: { podSelector: unknown; policyTypes: string[]; ingress?: { from?: unknown[]; ports?: unknown[] }[] };
}

describe('operator reconciles Specialists', () => {
  const env = useSuiteEnv('reconcile');
  let operator: OperatorProcess | undefined;
  const getJson = async <T>(...args: string[]): Promise<T> =>
    JSON.parse(await env().kubectl('get', ...args, '-o', 'json')) as T;

  beforeAll(async () => {
    await installCrds(env());
    operator = await startOperator(
      env(),
      await writeOperatorConfig(env(), { specialistNetworkPolicy: { scrapers: [prometheus] } }),
    );
  });
  afterAll(async () => stopOperator(operator));

  it('creates a Deployment (engine + worker), Service and PDB owned by the Specialist, and reports Ready', async () => {
    await env().apply(specialist('extractor'));
    await waitForReadyReason(env(), 'extractor', 'AllReplicasReady');
    const deployment = await getJson<Deployment>('deployment', 'extractor');
    expect(deployment.spec.template.spec.containers.map((c) => c.name)).toEqual(['engine', 'worker']);
    // A random drain token (32 bytes, base64url) in the worker's env and both preStop hooks.
    expect(drainTokenOf(deployment)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deployment.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Specialist', name: 'extractor', controller: true }),
    ]);
    await env().kubectl('get', 'service', 'extractor');
    await env().kubectl('get', 'poddisruptionbudget', 'extractor');
    const columns = await env().kubectl('get', 'specialists');
    expect(columns).toMatch(/NAME\s+READY\s+DESIRED\s+GPUS\s+ENGINE\s+QUEUE\s+STATUS\s+AGE/);
    // QUEUE fills in once the autoscaler has read the (empty) queue.
    expect(columns).toMatch(/extractor\s+1\s+1\s+1\s+vllm\s+(0\s+)?AllReplicasReady/);
    const events = await env().kubectl(
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=extractor,involvedObject.kind=Specialist',
    );
    expect(events).toMatch(/Created\s.*created Deployment, Service, PodDisruptionBudget, NetworkPolicy extractor/);
  });

  it("admits only the configured scrapers to the pods' worker and engine ports", async () => {
    const policy = await getJson<NetworkPolicy>('networkpolicy', 'extractor');
    // As stored by the API server: a `from` lost on the way would admit every source.
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'slm.dev/specialist': 'extractor' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [prometheus],
          ports: [
            { protocol: 'TCP', port: 8082 },
            { protocol: 'TCP', port: 8000 },
          ],
        },
      ],
    });
  });

  it('follows updates of image, GPUs and tasks', async () => {
    await env().apply(
      specialist('extractor')
        .replace(
          'engine: {kind: vllm, maxConcurrency: 16}',
          'engine: {kind: vllm, maxConcurrency: 16, image: "registry.invalid/vllm:custom"}',
        )
        .replace('count: 1,', 'count: 2,')
        .replace('tasks: [extract-invoice]', 'tasks: [extract-invoice, extract-receipt]'),
    );
    await eventually(async () => {
      const deployment = await getJson<Deployment>('deployment', 'extractor');
      const engine = deployment.spec.template.spec.containers.find((c) => c.name === 'engine');
      expect(engine?.image).toBe('registry.invalid/vllm:custom');
      expect(engine?.args).toEqual(expect.arrayContaining(['--tensor-parallel-size', '2']));
    });
    await eventually(async () => {
      const [observed, generation] = (
        await env().kubectl(
          'get',
          'specialist',
          'extractor',
          '-o',
          'jsonpath={.status.observedGeneration} {.metadata.generation}',
        )
      ).split(' ');
      expect(observed).toBe(generation);
    });
  });

  it('serves the scale subresource of a Specialist that never set replicas (what HPA and KEDA read)', async () => {
    await env().apply(specialist('unscaled'));
    const scale = JSON.parse(
      await env().kubectl(
        'get',
        '--raw',
        `/apis/slm.dev/v1alpha1/namespaces/${env().namespace}/specialists/unscaled/scale`,
      ),
    ) as { kind: string; spec: { replicas: number } };
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } });
  });

  it('follows kubectl scale through the scale subresource', async () => {
    await env().kubectl('scale', 'specialist/extractor', '--replicas=3');
    await eventually(async () => expect((await getJson<Deployment>('deployment', 'extractor')).spec.replicas).toBe(3));
    await waitForReadyReason(env(), 'extractor', 'AllReplicasReady');
    expect(
      await env().kubectl(
        'get',
        'specialist',
        'extractor',
        '-o',
        'jsonpath={.status.readyReplicas}/{.status.desiredReplicas}',
      ),
    ).toBe('3/3');
  });

  it('recreates a deleted child and puts back a hand edit of a managed field', async () => {
    await env().kubectl('delete', 'service', 'extractor');
    await eventually(() => env().kubectl('get', 'service', 'extractor'));
    await env().kubectl(
      'patch',
      'deployment',
      'extractor',
      '--type=merge',
      '-p',
      '{"spec":{"template":{"spec":{"terminationGracePeriodSeconds":5}}}}',
    );
    // Put back: engine.callTimeoutSeconds (default 60) plus 30 s for the engine to stop.
    await eventually(async () =>
      expect(
        (await getJson<Deployment>('deployment', 'extractor')).spec.template.spec.terminationGracePeriodSeconds,
      ).toBe(90),
    );
  });

  it('resolves AgentTasks: routes by weight, and names a missing Specialist', async () => {
    await env().apply(specialist('extractor-canary'));
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: extract-invoice}
spec:
  specialists: [{name: extractor, weight: 3}, {name: extractor-canary, weight: 1}]
`);
    await eventually(async () => {
      const task = await getJson<{
        status?: { readySpecialists?: string; routes?: { specialist: string; sharePercent: number }[] };
      }>('agenttask', 'extract-invoice');
      expect(task.status?.readySpecialists).toBe('2/2');
      expect(task.status?.routes?.map((r) => [r.specialist, r.sharePercent])).toEqual([
        ['extractor', 75],
        ['extractor-canary', 25],
      ]);
    });
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: classify}
spec:
  specialists: [{name: not-there}]
`);
    await eventually(async () => {
      const reason = await env().kubectl(
        'get',
        'agenttask',
        'classify',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].message}',
      );
      expect(reason).toBe(`no Specialist named not-there in namespace ${env().namespace}`);
    });
  });

  it('keeps only the workers when the engine becomes an external endpoint (openai)', async () => {
    await env().apply(specialist('goes-external'));
    await waitForReadyReason(env(), 'goes-external', 'AllReplicasReady');
    // Port 9 (discard) on loopback: nothing listens, so the probe says EndpointUnreachable.
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: goes-external}
spec:
  model: {uri: gpt-4o-mini}
  engine: {kind: openai, url: "http://127.0.0.1:9/v1"}
  tasks: [extract-invoice]
`);
    await waitForReadyReason(env(), 'goes-external', 'EndpointUnreachable');
    const jsonpath = (kind: string, path: string) =>
      env().kubectl('get', kind, 'goes-external', '-o', `jsonpath=${path}`);
    await eventually(async () =>
      expect(await jsonpath('deployment', '{.spec.template.spec.containers[*].name}')).toBe('worker'),
    );
    expect(await jsonpath('deployment', '{.spec.template.spec.containers[0].resources.limits}')).not.toContain('gpu');
    expect(await jsonpath('service', '{.spec.ports[*].name}')).toBe('http-worker');
    expect(await jsonpath('networkpolicy', '{.spec.ingress[0].ports[*].port}')).toBe('8082');
    await env().kubectl('get', 'poddisruptionbudget', 'goes-external');
  });

  it('deletes the children with the Specialist (owner references, garbage collector)', async () => {
    await env().kubectl('delete', 'specialist', 'extractor-canary');
    await eventually(async () => {
      const left = await env().kubectl(
        'get',
        'deployment,service,poddisruptionbudget,networkpolicy',
        '-l',
        'slm.dev/specialist=extractor-canary',
        '-o',
        'name',
      );
      expect(left.trim()).toBe('');
    });
  });

  it('says in status and events when a child cannot be applied, and recovers', async () => {
    await env().apply(
      '{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"no-services"},"spec":{"hard":{"services":"0"}}}',
    );
    await eventually(async () =>
      expect(await env().kubectl('get', 'resourcequota', 'no-services', '-o', 'jsonpath={.status.hard.services}')).toBe(
        '0',
      ),
    );
    await env().apply(specialist('quota-blocked'));
    await waitForReadyReason(env(), 'quota-blocked', 'ApplyFailed');
    const message = await env().kubectl(
      'get',
      'specialist',
      'quota-blocked',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].message}',
    );
    expect(message).toMatch(/exceeded quota: no-services/);
    expect(
      await env().kubectl('get', 'events', '--field-selector', 'involvedObject.name=quota-blocked,reason=ApplyFailed'),
    ).toContain('Warning');
    await env().kubectl('delete', 'resourcequota', 'no-services');
    await waitForReadyReason(env(), 'quota-blocked', 'AllReplicasReady');
  });

  it('removes the NetworkPolicies it made once they are turned off, and keeps the rest', async () => {
    expect(await env().kubectl('get', 'networkpolicy', '-o', 'name')).toContain(
      'networkpolicy.networking.k8s.io/extractor',
    );
    const before = await getJson<Deployment>('deployment', 'extractor');
    await stopOperator(operator);
    const config = await writeOperatorConfig(env(), { specialistNetworkPolicy: { enabled: false } });
    operator = await startOperator(env(), config);
    await eventually(async () => expect((await env().kubectl('get', 'networkpolicy', '-o', 'name')).trim()).toBe(''));
    await env().kubectl('get', 'deployment/extractor', 'service/extractor', 'poddisruptionbudget/extractor');
    // The new operator applied the Deployment again (it had applied nothing yet) with the drain
    // token it read back from it: the template, so the generation, did not change (no rollout).
    const after = await getJson<Deployment>('deployment', 'extractor');
    expect(drainTokenOf(after)).toBe(drainTokenOf(before));
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it('documents every field for kubectl explain', async () => {
    // kubectl wraps descriptions; compare with whitespace folded.
    const explain = async (field: string) => (await env().kubectl('explain', field)).replace(/\s+/g, ' ');
    const explained = await explain('specialist.spec.scaling');
    expect(explained).toContain('minReplicas');
    expect(explained).toContain('Fewest replicas; 0 allows scale to zero. Default: 1.');
    expect(await explain('agenttask.spec.priority')).toContain('negative calls are shed under overload');
  });
});
