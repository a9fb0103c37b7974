// helm install and upgrade on the platform (kwok pods: objects and rollouts, no processes), in
// a namespace that enforces the "restricted" Pod Security Standard, and the least-privilege
// RBAC of the operator (cluster-wide: the default) and the router, asked of the API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { chartDir, helmOf, releaseName, serviceAccountUser, sets, wrongAnswers, type Check } from './chart.js';

interface DeploymentStatus {
  metadata: { generation: number };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
  status: { observedGeneration?: number; readyReplicas?: number; updatedReplicas?: number };
}

describe('helm install and upgrade', () => {
  const env = useSuiteEnv('chart-install');
  const release = releaseName('inst');
  const fullname = `${release}-slm-fleet`;
  const helm = () => helmOf(env());
  let installed = false;

  const deployment = async (name: string): Promise<DeploymentStatus> =>
    JSON.parse(await env().kubectl('get', 'deployment', name, '-o', 'json')) as DeploymentStatus;
  const rolledOut = async (name: string, replicas: number): Promise<DeploymentStatus> =>
    eventually(async () => {
      const d = await deployment(name);
      expect(d.spec.replicas).toBe(replicas);
      expect(d.status.observedGeneration).toBe(d.metadata.generation);
      expect(d.status.updatedReplicas).toBe(replicas);
      expect(d.status.readyReplicas).toBe(replicas);
      return d;
    });
  const secretValue = async (name: string, key: string): Promise<string> =>
    Buffer.from(
      await env().kubectl('get', 'secret', name, '-o', `jsonpath={.data.${key.replace(/\./g, '\\.')}}`),
      'base64',
    ).toString();

  beforeAll(async () => {
    // Pods that are not "restricted" would not be created at all: the rollout proves they are.
    await env().kubectl('label', 'namespace', env().namespace, 'pod-security.kubernetes.io/enforce=restricted');
    // The CRDs every suite shares (the chart's own copy is not installed over them: crds.install=false).
    await installCrds(env());
  });

  afterAll(async () => {
    if (installed) await helm().run('uninstall', release, '-n', env().namespace, '--wait');
  });

  it('installs: operator, router and the bundled Redis roll out in a restricted namespace', async () => {
    await helm().ok(
      'install',
      release,
      chartDir,
      '-n',
      env().namespace,
      ...sets({ 'crds.install': false, 'redis.enabled': true }),
      '--wait',
      '--timeout',
      '3m',
    );
    installed = true;
    await rolledOut(`${fullname}-operator`, 2);
    await rolledOut(`${fullname}-router`, 2);
    await rolledOut(`${fullname}-redis`, 1);
    // The headless gRPC Service resolves to each ready router.
    await eventually(async () => {
      const endpoints = await env().kubectl(
        'get',
        'endpointslices',
        '-l',
        `kubernetes.io/service-name=${fullname}-router-grpc`,
        '-o',
        'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}',
      );
      expect(endpoints.trim().split(/\s+/).length).toBe(2);
    });
    expect(await secretValue('slm-fleet-redis', 'url')).toMatch(
      new RegExp(`^redis://:[A-Za-z0-9]{40}@${fullname}-redis\\.${env().namespace}\\.svc:6379$`),
    );
    expect(await env().kubectl('get', 'clusterrole', `${fullname}-${env().namespace}-operator`, '-o', 'name')).toMatch(
      /clusterrole/,
    );
  });

  it('grants the operator what its code calls, cluster-wide, and nothing more', async () => {
    const ns = env().namespace;
    const user = serviceAccountUser(ns, `${fullname}-operator`);
    const must: Check[] = [ns, 'default'].flatMap((namespace) => [
      ...['list', 'watch', 'patch'].map((verb) => ({ namespace, what: [verb, 'specialists.slm.dev'] })),
      ...['list', 'watch'].map((verb) => ({ namespace, what: [verb, 'agenttasks.slm.dev'] })),
      { namespace, what: ['patch', 'specialists.slm.dev', '--subresource=status'] },
      { namespace, what: ['patch', 'agenttasks.slm.dev', '--subresource=status'] },
      { namespace, what: ['patch', 'specialists.slm.dev', '--subresource=scale'] },
      { namespace, what: ['update', 'specialists.slm.dev', '--subresource=finalizers'] },
      ...['deployments.apps', 'services', 'poddisruptionbudgets.policy', 'networkpolicies.networking.k8s.io'].flatMap(
        (resource) => ['list', 'watch', 'create', 'patch'].map((verb) => ({ namespace, what: [verb, resource] })),
      ),
      // Only NetworkPolicies are deleted (turned off); every engine gets the other children.
      { namespace, what: ['delete', 'networkpolicies.networking.k8s.io'] },
      { namespace, what: ['list', 'pods'] },
      { namespace, what: ['watch', 'pods'] },
      { namespace, what: ['create', 'events'] },
      // The probe of an engine.kind openai endpoint reads the key engine.secretRef names.
      { namespace, what: ['get', 'secrets'] },
    ]);
    must.push(
      { what: ['list', 'nodes'] },
      { what: ['watch', 'nodes'] },
      { namespace: ns, what: ['create', 'leases.coordination.k8s.io'] },
      { namespace: ns, what: ['get', `leases.coordination.k8s.io/${fullname}-operator`] },
      { namespace: ns, what: ['update', `leases.coordination.k8s.io/${fullname}-operator`] },
      // The autoscaler finds the routers through their headless Service.
      { namespace: ns, what: ['list', 'endpointslices.discovery.k8s.io'] },
    );
    const mustNot: Check[] = [
      { namespace: 'default', what: ['list', 'endpointslices.discovery.k8s.io'] },
      // Secrets by name only: never listed, watched or written.
      { namespace: ns, what: ['list', 'secrets'] },
      { namespace: 'default', what: ['watch', 'secrets'] },
      { namespace: ns, what: ['create', 'secrets'] },
      { namespace: ns, what: ['patch', 'secrets'] },
      { namespace: ns, what: ['delete', 'deployments.apps'] },
      { namespace: ns, what: ['delete', 'services'] },
      { namespace: ns, what: ['get', 'configmaps'] },
      { what: ['delete', 'nodes'] },
      { what: ['patch', 'nodes'] },
      { what: ['create', 'clusterroles.rbac.authorization.k8s.io'] },
      { what: ['create', 'clusterrolebindings.rbac.authorization.k8s.io'] },
      { namespace: ns, what: ['create', 'rolebindings.rbac.authorization.k8s.io'] },
      { what: ['update', 'customresourcedefinitions.apiextensions.k8s.io'] },
      { what: ['impersonate', 'serviceaccounts'] },
      { namespace: ns, what: ['create', 'pods'] },
      { namespace: ns, what: ['patch', 'pods'] },
      { namespace: ns, what: ['delete', 'pods'] },
      { namespace: ns, what: ['create', 'pods', '--subresource=exec'] },
      { namespace: ns, what: ['create', 'specialists.slm.dev'] },
      { namespace: ns, what: ['update', 'specialists.slm.dev'] },
      { namespace: ns, what: ['delete', 'specialists.slm.dev'] },
      { namespace: ns, what: ['patch', 'agenttasks.slm.dev'] },
      { namespace: ns, what: ['delete', 'agenttasks.slm.dev'] },
      { namespace: ns, what: ['update', 'deployments.apps'] },
      { namespace: ns, what: ['patch', 'deployments.apps', '--subresource=scale'] },
      { namespace: ns, what: ['delete', 'events'] },
      { namespace: ns, what: ['get', 'leases.coordination.k8s.io/someone-elses-lease'] },
      { namespace: ns, what: ['delete', `leases.coordination.k8s.io/${fullname}-operator`] },
      { namespace: 'default', what: ['create', 'leases.coordination.k8s.io'] },
    ];
    expect(await wrongAnswers(env(), user, true, must), 'the operator may not do what it needs').toEqual([]);
    expect(await wrongAnswers(env(), user, false, mustNot), 'the operator may do more than it needs').toEqual([]);
  });

  it('lets the router read the Specialists and AgentTasks of its namespace, and nothing else', async () => {
    const ns = env().namespace;
    const user = serviceAccountUser(ns, `${fullname}-router`);
    const must = ['specialists.slm.dev', 'agenttasks.slm.dev'].flatMap((resource) =>
      ['list', 'watch'].map((verb) => ({ namespace: ns, what: [verb, resource] })),
    );
    const mustNot: Check[] = [
      { namespace: 'default', what: ['list', 'specialists.slm.dev'] },
      { namespace: 'default', what: ['watch', 'agenttasks.slm.dev'] },
      { namespace: ns, what: ['patch', 'specialists.slm.dev'] },
      { namespace: ns, what: ['patch', 'specialists.slm.dev', '--subresource=status'] },
      { namespace: ns, what: ['create', 'agenttasks.slm.dev'] },
      { namespace: ns, what: ['get', 'secrets'] },
      { namespace: ns, what: ['list', 'pods'] },
      { namespace: ns, what: ['create', 'events'] },
      { namespace: ns, what: ['list', 'deployments.apps'] },
      { namespace: ns, what: ['create', 'leases.coordination.k8s.io'] },
      { what: ['list', 'nodes'] },
    ];
    expect(await wrongAnswers(env(), user, true, must), 'the router may not do what it needs').toEqual([]);
    expect(await wrongAnswers(env(), user, false, mustNot), 'the router may do more than it needs').toEqual([]);
  });

  it('upgrades: a new operator configuration rolls the operator, the router scales, Redis keeps its password', async () => {
    const before = await deployment(`${fullname}-operator`);
    const password = await secretValue('slm-fleet-redis', 'password');
    await helm().ok(
      'upgrade',
      release,
      chartDir,
      '-n',
      env().namespace,
      '--reuse-values',
      ...sets({ 'operator.autoscaler.intervalSeconds': 10, 'router.replicas': 3 }),
      '--wait',
      '--timeout',
      '3m',
    );
    const status = JSON.parse(await helm().ok('status', release, '-n', env().namespace, '-o', 'json')) as {
      version: number;
      info: { status: string };
    };
    expect([status.version, status.info.status]).toEqual([2, 'deployed']);
    expect(
      await env().kubectl('get', 'configmap', `${fullname}-operator`, '-o', 'jsonpath={.data.operator\\.yaml}'),
    ).toMatch(/intervalSeconds: 10\n/);
    const after = await rolledOut(`${fullname}-operator`, 2);
    expect(after.spec.template.metadata.annotations?.['checksum/config']).not.toBe(
      before.spec.template.metadata.annotations?.['checksum/config'],
    );
    await rolledOut(`${fullname}-router`, 3);
    expect(await secretValue('slm-fleet-redis', 'password')).toBe(password);
  });

  it('uninstalls everything it made, cluster-scoped objects included', async () => {
    await helm().ok('uninstall', release, '-n', env().namespace, '--wait');
    installed = false;
    const left = await env().kubectl(
      'get',
      'clusterroles,clusterrolebindings,deployments,services,roles,rolebindings,secrets,configmaps,networkpolicies,poddisruptionbudgets',
      '-A',
      '-l',
      `app.kubernetes.io/instance=${release}`,
      '-o',
      'name',
    );
    expect(left.trim()).toBe('');
  });
});
