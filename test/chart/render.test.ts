// The chart's rendering: lint, what it renders (restricted pods, secrets by reference, the
// operator configuration its real parser accepts, CRDs identical to the generated ones), the
// API server accepting every object (server-side dry run), and bad values refused by name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOperatorConfig } from '@slm-fleet/operator';
import { repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import {
  chartDir,
  expectChartCrdsGenerated,
  find,
  helmOf,
  kubectlRun,
  parseManifests,
  podTemplateOf,
  serviceAccountUser,
  sets,
  wrongAnswers,
  type K8sObject,
  type PodTemplate,
} from './chart.js';

const RELEASE = 'rt';
const FULLNAME = `${RELEASE}-slm-fleet`;

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}
interface Binding extends K8sObject {
  roleRef: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/** The rules rendered for a ServiceAccount in a namespace: its RoleBindings there and its ClusterRoleBindings. */
function rulesOf(objects: K8sObject[], account: { namespace: string; name: string }, namespace: string): PolicyRule[] {
  const bindings = (objects as Binding[]).filter(
    (b) =>
      (b.kind === 'ClusterRoleBinding' || (b.kind === 'RoleBinding' && b.metadata.namespace === namespace)) &&
      b.subjects?.some(
        (s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace,
      ),
  );
  return bindings.flatMap((binding) => {
    const role = objects.find(
      (o) =>
        o.kind === binding.roleRef.kind &&
        o.metadata.name === binding.roleRef.name &&
        (o.kind === 'ClusterRole' || o.metadata.namespace === binding.metadata.namespace),
    );
    return (role?.['rules'] as PolicyRule[] | undefined) ?? [];
  });
}

/** The rule that lets the autoscaler find the routers: list EndpointSlices, any name. */
const listsEndpointSlices = (rule: PolicyRule): boolean =>
  !!rule.apiGroups?.includes('discovery.k8s.io') &&
  !!rule.resources?.includes('endpointslices') &&
  !!rule.verbs?.includes('list') &&
  !rule.resourceNames;

describe('helm chart rendering', () => {
  const env = useSuiteEnv('chart-render');
  const helm = () => helmOf(env());
  const template = async (...args: string[]): Promise<K8sObject[]> =>
    parseManifests(await helm().ok('template', RELEASE, chartDir, '-n', env().namespace, ...args));

  beforeAll(async () => {
    // Pod Security Admission warns about every pod template that is not "restricted".
    await env().kubectl('label', 'namespace', env().namespace, 'pod-security.kubernetes.io/warn=restricted');
  });

  it('passes helm lint --strict, with the default values and with every optional part on', async () => {
    await helm().ok('lint', '--strict', chartDir);
    await helm().ok(
      'lint',
      '--strict',
      chartDir,
      ...sets({
        'redis.enabled': true,
        'serviceMonitor.enabled': true,
        'operator.watchNamespaces': '{team-a,team-b}',
        'router.namespace': 'team-a',
        'crds.install': false,
      }),
    );
  });

  it('ships CRDs identical to the generated crds/*.yaml, rendered with a keep policy, none with crds.install=false', async () => {
    await expectChartCrdsGenerated();

    const crds = (await template()).filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(['agenttasks.slm.dev', 'specialists.slm.dev']);
    for (const crd of crds) {
      const source = parse(
        await readFile(join(repoRoot, 'crds', `slm.dev_${crd.metadata.name.split('.')[0]}.yaml`), 'utf8'),
      ) as K8sObject;
      expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      expect(crd.metadata.labels).toMatchObject(source.metadata.labels ?? {});
      expect(crd['spec']).toEqual(source['spec']);
    }
    expect((await template('--set', 'crds.install=false')).some((o) => o.kind === 'CustomResourceDefinition')).toBe(
      false,
    );
  });

  it('runs the operator and router as restricted pods, tokens mounted only where the API is called, Redis by reference', async () => {
    const objects = await template('--set', 'redis.enabled=true');
    const operator = podTemplateOf(find(objects, 'Deployment', `${FULLNAME}-operator`));
    const router = podTemplateOf(find(objects, 'Deployment', `${FULLNAME}-router`));
    const redis = podTemplateOf(find(objects, 'Deployment', `${FULLNAME}-redis`));

    const restricted = (pod: PodTemplate, uid: number) => {
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: uid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of pod.spec.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
        expect(container.readinessProbe).toBeDefined();
      }
    };
    restricted(operator, 65532);
    restricted(router, 65532);
    restricted(redis, 999);
    expect(operator.spec.automountServiceAccountToken).toBe(true);
    expect(router.spec.automountServiceAccountToken).toBe(true);
    expect(redis.spec.automountServiceAccountToken).toBe(false);
    for (const account of objects.filter((o) => o.kind === 'ServiceAccount')) {
      expect(account['automountServiceAccountToken'], account.metadata.name).toBe(false);
    }

    const [operatorContainer] = operator.spec.containers;
    const [routerContainer] = router.spec.containers;
    expect(operatorContainer?.args).toEqual([
      'operator',
      '--host',
      '0.0.0.0',
      '--http-port',
      '8081',
      '--config',
      '/etc/slm-fleet/operator.yaml',
    ]);
    expect(routerContainer?.args?.slice(0, 3)).toEqual(['router', '--host', '0.0.0.0']);
    for (const container of [operatorContainer, routerContainer]) {
      expect(container?.env).toContainEqual({
        name: 'REDIS_URL',
        valueFrom: { secretKeyRef: { name: 'slm-fleet-redis', key: 'url' } },
      });
      expect(container?.env).toContainEqual({ name: 'SLM_FLEET_QUEUE_PREFIX', value: 'slm' });
      // No value in a pod spec carries a URL with credentials.
      expect(JSON.stringify(container?.env)).not.toMatch(/redis:\/\//);
    }
    expect(routerContainer?.env).toContainEqual({ name: 'SLM_FLEET_NAMESPACE', value: env().namespace });
    expect(operator.metadata.annotations?.['checksum/config']).toMatch(/^[0-9a-f]{64}$/);

    const grpc = find(objects, 'Service', `${FULLNAME}-router-grpc`) as unknown as {
      spec: { clusterIP: string; ports: { port: number }[] };
    };
    expect(grpc.spec.clusterIP).toBe('None');
    expect(grpc.spec.ports.map((p) => p.port)).toEqual([50051]);
    const http = find(objects, 'Service', `${FULLNAME}-router`) as unknown as { spec: { ports: { port: number }[] } };
    expect(http.spec.ports.map((p) => p.port)).toEqual([8080]);
    expect(find(objects, 'PodDisruptionBudget', `${FULLNAME}-operator`)).toBeDefined();
    expect(find(objects, 'PodDisruptionBudget', `${FULLNAME}-router`)).toBeDefined();
    expect(
      objects
        .filter((o) => o.kind === 'NetworkPolicy')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([`${FULLNAME}-operator`, `${FULLNAME}-redis`, `${FULLNAME}-router`]);
  });

  it("renders an operator configuration the operator's own parser accepts, from the values", async () => {
    const objects = await template(
      ...sets({
        'operator.watchNamespaces': '{team-a,team-b}',
        'operator.autoscaler.intervalSeconds': 7,
        'operator.autoscaler.countFreeGpus': false,
        defaultGpuProfiles: '{nvidia-h100}',
        'image.repository': 'registry.example/slm-fleet',
        'image.tag': '1.2.3',
        'engineImages.vllm': 'mirror.example/vllm:pinned',
        'specialistNetworkPolicy.scrapers[0].namespaceSelector.matchLabels.team': 'monitoring',
      }),
    );
    const configMap = find(objects, 'ConfigMap', `${FULLNAME}-operator`) as unknown as {
      data: Record<string, string>;
    };
    const config = parseOperatorConfig(parse(configMap.data['operator.yaml'] ?? ''));
    expect(config.namespaces).toEqual(['team-a', 'team-b']);
    expect(config.leaderElection).toEqual({
      enabled: true,
      namespace: env().namespace,
      leaseName: `${FULLNAME}-operator`,
    });
    expect(config.autoscaler).toEqual({
      enabled: true,
      intervalSeconds: 7,
      countFreeGpus: false,
      routerMetricsUrls: [],
      routerService: { namespace: env().namespace, name: `${FULLNAME}-router-grpc`, port: 8080 },
    });
    expect(config.workloads.defaultGpuProfiles).toEqual(['nvidia-h100']);
    expect(config.workloads.engineImages).toEqual({ vllm: 'mirror.example/vllm:pinned' });
    expect(config.workloads.networkPolicy).toEqual({
      enabled: true,
      scrapers: [{ namespaceSelector: { matchLabels: { team: 'monitoring' } } }],
    });
    expect(config.workloads.gpuProfiles.map((p) => p.name)).toEqual(['nvidia-l4', 'nvidia-h100']);
    expect(config.workloads.worker).toEqual({
      image: 'registry.example/slm-fleet:1.2.3',
      redisSecret: { name: 'slm-fleet-redis', key: 'url' },
    });
    const operator = podTemplateOf(find(objects, 'Deployment', `${FULLNAME}-operator`));
    expect(operator.spec.containers[0]?.args).toBeDefined();
    expect(JSON.stringify(operator.spec.containers)).toContain('registry.example/slm-fleet:1.2.3');

    // Watching a list of namespaces: a Role in each, no cluster-wide access to them.
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === `${FULLNAME}-operator`);
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['team-a', 'team-b']);
    // countFreeGpus false: the operator watches no nodes, so it may not read them.
    expect(objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name)).toEqual([]);
  });

  it("lets the autoscaler list the routers' EndpointSlices in the release namespace, with or without leader election", async () => {
    const ns = env().namespace;
    const account = { namespace: ns, name: `${FULLNAME}-operator` };
    const user = serviceAccountUser(ns, account.name);

    // One replica without leader election: the autoscaler still runs and discovers the routers.
    const single = await template(...sets({ 'operator.replicas': 1, 'operator.leaderElection.enabled': false }));
    const config = find(single, 'ConfigMap', `${FULLNAME}-operator`) as unknown as { data: Record<string, string> };
    const parsed = parseOperatorConfig(parse(config.data['operator.yaml'] ?? ''));
    expect([parsed.leaderElection.enabled, parsed.autoscaler.enabled]).toEqual([false, true]);
    expect(parsed.autoscaler.routerService?.namespace).toBe(ns);
    expect(rulesOf(single, account, ns).filter(listsEndpointSlices)).toHaveLength(1);
    expect(rulesOf(single, account, 'default').filter(listsEndpointSlices)).toEqual([]);
    // The API server agrees: the rendered Roles and RoleBindings of the release namespace, applied.
    const namespaced = stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: single.filter((o) => ['Role', 'RoleBinding'].includes(o.kind) && o.metadata.namespace === ns),
    });
    await env().apply(namespaced);
    try {
      expect(
        await wrongAnswers(env(), user, true, [{ namespace: ns, what: ['list', 'endpointslices.discovery.k8s.io'] }]),
      ).toEqual([]);
      expect(
        await wrongAnswers(env(), user, false, [
          { namespace: 'default', what: ['list', 'endpointslices.discovery.k8s.io'] },
          { namespace: ns, what: ['watch', 'endpointslices.discovery.k8s.io'] },
          { namespace: ns, what: ['create', 'leases.coordination.k8s.io'] },
        ]),
      ).toEqual([]);
    } finally {
      await kubectlRun(env(), ['delete', '-f', '-'], namespaced);
    }

    // Without the autoscaler, no EndpointSlices (and no nodes) for anyone.
    const off = await template('--set', 'operator.autoscaler.enabled=false');
    const rules = off.flatMap((o) => (o['rules'] as PolicyRule[] | undefined) ?? []);
    expect(rules.filter((r) => r.resources?.includes('endpointslices'))).toEqual([]);
    expect(rules.filter((r) => r.resources?.includes('nodes'))).toEqual([]);
  });

  it('names cluster-scoped objects after the release and its namespace', async () => {
    const clusterScoped = (await template()).filter((o) => ['ClusterRole', 'ClusterRoleBinding'].includes(o.kind));
    expect(clusterScoped.length).toBe(4);
    for (const object of clusterScoped) expect(object.metadata.name).toContain(`${FULLNAME}-${env().namespace}-`);
  });

  it('renders ServiceMonitors for the operator and the router only when asked', async () => {
    expect((await template()).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    const monitors = (
      await template('--set', 'serviceMonitor.enabled=true', '--set', 'serviceMonitor.labels.release=kps')
    ).filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.map((m) => [m.apiVersion, m.metadata.name, m.metadata.labels?.['release']])).toEqual([
      ['monitoring.coreos.com/v1', `${FULLNAME}-operator`, 'kps'],
      ['monitoring.coreos.com/v1', `${FULLNAME}-router`, 'kps'],
    ]);
  });

  it('renders objects the API server accepts (kubectl apply --dry-run=server), with no Pod Security warning', async () => {
    for (const variant of [
      [],
      ['--set', 'redis.enabled=true', '--set', 'operator.watchNamespaces={' + env().namespace + '}'],
    ]) {
      const manifest = await helm().ok('template', RELEASE, chartDir, '-n', env().namespace, ...variant);
      const result = await kubectlRun(env(), ['apply', '--dry-run=server', '-f', '-'], manifest);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/would violate PodSecurity/);
      const accepted = result.stdout.split('\n').filter((line) => line.includes('(server dry run)'));
      expect(accepted.length).toBe(parseManifests(manifest).length);
    }
  });

  it('prints the next steps: a Specialist, a gRPC call, the metrics', async () => {
    const output = await helm().ok(
      'install',
      'notes',
      chartDir,
      '-n',
      env().namespace,
      '--dry-run=client',
      '--set',
      'crds.install=false',
    );
    const notes = output.slice(output.indexOf('NOTES:'));
    expect(notes).toContain(`rollout status deployment/notes-slm-fleet-operator deployment/notes-slm-fleet-router`);
    expect(notes).toContain(`kubectl apply -n ${env().namespace} -f examples/specialists/invoice-extractor.yaml`);
    expect(notes).toMatch(/grpcurl -plaintext -d .* \\\n\s+localhost:50051 slm.v1.AgentRouter\/Invoke/);
    expect(notes).toContain(`http://notes-slm-fleet-operator-metrics.${env().namespace}.svc:8081/metrics`);
    expect(notes).toContain(`http://notes-slm-fleet-router.${env().namespace}.svc:8080/metrics`);
  });

  it('refuses bad values at install with a message naming the field', async () => {
    const refusal = async (...args: string[]): Promise<string> => {
      const result = await helm().run('install', 'bad', chartDir, '-n', env().namespace, '--dry-run=client', ...args);
      expect(result.code, `helm accepted ${args.join(' ')}`).not.toBe(0);
      return result.stderr;
    };
    expect(await refusal('--set', 'operator.replicas=two')).toMatch(
      /at '\/operator\/replicas': got string, want integer/,
    );
    expect(await refusal('--set', 'replicas=2')).toMatch(/additional properties 'replicas' not allowed/);
    expect(await refusal('--set', 'image.pullPolicy=Sometimes')).toMatch(
      /at '\/image\/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'/,
    );
    expect(await refusal('--set', 'router.service.type=Ingress')).toMatch(/at '\/router\/service\/type'/);
    expect(await refusal('--set', 'operator.autoscaler.intervalSeconds=0')).toMatch(
      /at '\/operator\/autoscaler\/intervalSeconds': minimum: got 0, want 1/,
    );
    expect(await refusal('--set-json', 'specialistNetworkPolicy.scrapers=[{"namespace":"monitoring"}]')).toMatch(
      /at '\/specialistNetworkPolicy\/scrapers\/0'/,
    );
    expect(await refusal('--set', 'redis.urlSecret.name=')).toMatch(/at '\/redis\/urlSecret\/name'/);
    expect(await refusal('--set', 'operator.watchNamespaces={Team_A}')).toMatch(/at '\/operator\/watchNamespaces\/0'/);
    // Every error is listed (in no fixed order).
    const profile = await refusal('--set-json', 'gpuProfiles=[{"name":"l4","resourceName":"gpu","nodeSelector":{}}]');
    expect(profile).toMatch(/at '\/gpuProfiles\/0\/resourceName': 'gpu' does not match pattern/);
    expect(profile).toMatch(/at '\/gpuProfiles\/0\/nodeSelector': minProperties: got 0, want 1/);
    // What a schema cannot say, the templates check.
    expect(await refusal('--set', 'defaultGpuProfiles={amd-mi300x}')).toMatch(
      /defaultGpuProfiles: "amd-mi300x" is not a gpuProfiles name \(nvidia-l4, nvidia-h100\)/,
    );
    expect(await refusal('--set', 'operator.leaderElection.enabled=false')).toMatch(
      /operator.leaderElection.enabled must be true when operator.replicas is more than 1/,
    );
  });
});
