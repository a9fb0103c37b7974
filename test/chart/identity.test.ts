// The real operator and router, run on this machine with the identities the chart gives their
// pods (a kubeconfig that impersonates the chart's ServiceAccounts), do all their work with
// the chart's RBAC: the operator (watching the release namespace: namespaced Roles) takes the
// Lease, reconciles a Specialist to Ready, records events, writes AgentTask status, scales
// through /scale, deletes children; the router lists and watches. No request is refused.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGpuNodes, eventually, installCrds, spawnCli, useSuiteEnv, type CliProcess } from '@slm-fleet/testing';
import {
  chartDir,
  createRedisUrlSecret,
  helmOf,
  kubectlRun,
  releaseName,
  serviceAccountUser,
  sets,
  wrongAnswers,
} from './chart.js';

/** Log lines that mean the API server refused a request. */
const REFUSED = /forbidden|\b403\b|is not allowed|cannot (get|list|watch|create|patch|update|delete)/i;

interface KubeconfigFile {
  contexts: { name: string; context: { user: string } }[];
  users: { name: string; user: Record<string, unknown> }[];
  'current-context': string;
}

/** A copy of the suite's kubeconfig whose user acts as `user` (Impersonate-User on every request). */
async function impersonating(source: string, target: string, user: string): Promise<string> {
  const config = parse(await readFile(source, 'utf8')) as KubeconfigFile;
  const context = config.contexts.find((c) => c.name === config['current-context']);
  const entry = config.users.find((u) => u.name === context?.context.user);
  if (!entry) throw new Error(`no user for the current context in ${source}`);
  entry.user['as'] = user;
  await writeFile(target, stringify(config));
  return target;
}

describe('operator and router with the chart ServiceAccounts', () => {
  const env = useSuiteEnv('chart-identity');
  const release = releaseName('id');
  const fullname = `${release}-slm-fleet`;
  const tag = Math.random().toString(36).slice(2, 7);
  const product = `T-${tag}-CHART`;
  const helm = () => helmOf(env());
  const removers: (() => Promise<void>)[] = [];
  let dir = '';
  let installed = false;
  let router: CliProcess | undefined;
  let operator: CliProcess | undefined;
  let operatorKubeconfig = '';
  let routerKubeconfig = '';

  const jsonpath = (resource: string, path: string) => env().kubectl('get', resource, '-o', `jsonpath=${path}`);
  const readyReason = (kind: string, name: string) =>
    jsonpath(`${kind}/${name}`, '{.status.conditions[?(@.type=="Ready")].reason}');
  const refusals = (process: CliProcess | undefined) => (process?.logs ?? []).filter((line) => REFUSED.test(line));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slm-fleet-chart-'));
    await installCrds(env());
    removers.push(await addGpuNodes(env(), [{ name: `t-${tag}-chart-0`, product, gpus: 4 }]));
    await createRedisUrlSecret(env());
    const profiles = [
      {
        name: 'suite-gpu',
        resourceName: 'nvidia.com/gpu',
        nodeSelector: { 'nvidia.com/gpu.product': product },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      },
    ];
    await helm().ok(
      'install',
      release,
      chartDir,
      '-n',
      env().namespace,
      ...sets({
        'crds.install': false,
        'operator.watchNamespaces': `{${env().namespace}}`,
        'operator.autoscaler.intervalSeconds': 1,
        'operator.resyncSeconds': 30,
        defaultGpuProfiles: '{suite-gpu}',
      }),
      '--set-json',
      `gpuProfiles=${JSON.stringify(profiles)}`,
    );
    installed = true;
    const ns = env().namespace;
    operatorKubeconfig = await impersonating(
      env().kubeconfigPath,
      join(dir, 'operator.kubeconfig'),
      serviceAccountUser(ns, `${fullname}-operator`),
    );
    routerKubeconfig = await impersonating(
      env().kubeconfigPath,
      join(dir, 'router.kubeconfig'),
      serviceAccountUser(ns, `${fullname}-router`),
    );
  });

  afterAll(async () => {
    await operator?.stop(15_000);
    await router?.stop(15_000);
    if (installed) await helm().run('uninstall', release, '-n', env().namespace, '--wait');
    for (const remove of removers) await remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('acts as the ServiceAccounts: what their Roles do not grant is refused', async () => {
    for (const kubeconfig of [operatorKubeconfig, routerKubeconfig]) {
      const result = await kubectlRun(env(), ['--kubeconfig', kubeconfig, 'get', 'secrets']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/forbidden: User "system:serviceaccount:[^"]+" cannot list resource "secrets"/);
    }
    // Watching a list of namespaces, the operator has Roles there and no cluster-wide access.
    const user = serviceAccountUser(env().namespace, `${fullname}-operator`);
    expect(
      await wrongAnswers(env(), user, false, [
        { namespace: 'default', what: ['list', 'specialists.slm.dev'] },
        { namespace: 'default', what: ['create', 'deployments.apps'] },
        { namespace: 'default', what: ['create', 'events'] },
      ]),
    ).toEqual([]);
    expect(
      await wrongAnswers(env(), user, true, [
        { namespace: env().namespace, what: ['watch', 'specialists.slm.dev'] },
        { namespace: env().namespace, what: ['patch', 'specialists.slm.dev', '--subresource=scale'] },
        { what: ['watch', 'nodes'] },
      ]),
    ).toEqual([]);
  });

  it('the router syncs its routing table as the router ServiceAccount', async () => {
    router = await spawnCli(
      'router',
      [
        'router',
        '--http-port',
        '0',
        '--grpc-port',
        '0',
        '--namespace',
        env().namespace,
        '--kubeconfig',
        routerKubeconfig,
        '--redis-url',
        env().redisUrl,
        '--queue-prefix',
        env().queuePrefix,
      ],
      process.env,
    );
    const port = router.port;
    await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(response.status, await response.text()).toBe(200);
    });
    expect(refusals(router)).toEqual([]);
  });

  it('helm upgrade points the autoscaler at that router', async () => {
    await helm().ok(
      'upgrade',
      release,
      chartDir,
      '-n',
      env().namespace,
      '--reuse-values',
      '--set',
      `operator.autoscaler.routerMetricsUrls={http://127.0.0.1:${router?.port}/metrics}`,
    );
    expect(await jsonpath(`configmap/${fullname}-operator`, '{.data.operator\\.yaml}')).toContain(
      `- http://127.0.0.1:${router?.port}/metrics`,
    );
  });

  it('the operator, as the operator ServiceAccount with the configuration the chart rendered, leads and reconciles', async () => {
    const configPath = join(dir, 'operator.yaml');
    await writeFile(configPath, await jsonpath(`configmap/${fullname}-operator`, '{.data.operator\\.yaml}'));
    operator = await spawnCli(
      'operator',
      [
        'operator',
        '--http-port',
        '0',
        '--kubeconfig',
        operatorKubeconfig,
        '--config',
        configPath,
        '--redis-url',
        env().redisUrl,
        '--queue-prefix',
        env().queuePrefix,
      ],
      process.env,
    );
    const metricsUrl = `http://127.0.0.1:${operator.port}/metrics`;
    // The Lease (create, get, update) in the release namespace.
    await eventually(async () =>
      expect(await (await fetch(metricsUrl)).text()).toMatch(/^slm_fleet_operator_leader 1$/m),
    );
    expect(await jsonpath(`lease/${fullname}-operator`, '{.spec.holderIdentity}')).not.toBe('');

    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: extractor}
spec:
  model: {uri: hf://Qwen/Qwen2.5-3B-Instruct}
  engine: {kind: vllm, maxConcurrency: 16}
  resources: {gpu: {count: 1}}
  tasks: [extract-invoice]
  scaling: {minReplicas: 1, maxReplicas: 1}
---
apiVersion: slm.dev/v1alpha1
kind: AgentTask
metadata: {name: extract-invoice}
spec:
  specialists: [{name: extractor}]
`);
    // Applied children (create + patch), status through /status, pods and nodes read.
    await eventually(async () => expect(await readyReason('specialist', 'extractor')).toBe('AllReplicasReady'));
    await eventually(async () => expect(await readyReason('agenttask', 'extract-invoice')).not.toBe(''));
    await env().kubectl(
      'get',
      'deployment/extractor',
      'service/extractor',
      'poddisruptionbudget/extractor',
      'networkpolicy/extractor',
    );
    const events = await env().kubectl(
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=Specialist,involvedObject.name=extractor',
      '-o',
      'jsonpath={.items[*].reason}',
    );
    expect(events.split(' ')).toContain('Created');
    expect(refusals(operator)).toEqual([]);
  });

  it('the autoscaler scales through /scale and keeps its state on the Specialist', async () => {
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: scaled}
spec:
  model: {uri: hf://Qwen/Qwen2.5-3B-Instruct}
  engine: {kind: vllm, maxConcurrency: 4}
  resources: {gpu: {count: 1}}
  tasks: [classify]
  replicas: 2
  scaling: {mode: managed, minReplicas: 1, maxReplicas: 3, scaleDownDelaySeconds: 0}
`);
    // No load: once the routers' rates are known, down to minReplicas.
    await eventually(async () => expect(await jsonpath('specialist/scaled', '{.spec.replicas}')).toBe('1'), {
      timeoutMs: 90_000,
    });
    expect(await jsonpath('specialist/scaled', '{.metadata.annotations.slm\\.dev/autoscaler-state}')).not.toBe('');
    expect(refusals(operator)).toEqual([]);
  });

  it('runs an openai Specialist as workers, reading its key by name to probe the endpoint', async () => {
    await env().kubectl('create', 'secret', 'generic', 'llm-key', '--from-literal=apiKey=sk-identity-test');
    // Port 9 (discard) on loopback: refused. A Secret the operator could not read would say
    // Unauthorized (may not read Secret) instead: EndpointUnreachable means the get worked.
    await env().apply(`
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: extractor}
spec:
  model: {uri: gpt-4o-mini}
  engine: {kind: openai, url: "http://127.0.0.1:9/v1", secretRef: {name: llm-key}}
  tasks: [extract-invoice]
`);
    await eventually(async () => expect(await readyReason('specialist', 'extractor')).toBe('EndpointUnreachable'));
    await eventually(async () =>
      expect(await jsonpath('deployment/extractor', '{.spec.template.spec.containers[*].name}')).toBe('worker'),
    );
    expect(refusals(operator)).toEqual([]);
  });

  it('stops cleanly, releasing the Lease, with no request refused in either log', async () => {
    const exit = await operator?.stop(15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await jsonpath(`lease/${fullname}-operator`, '{.spec.holderIdentity}')).toBe('');
    expect(refusals(operator)).toEqual([]);
    expect(refusals(router)).toEqual([]);
  });
});
