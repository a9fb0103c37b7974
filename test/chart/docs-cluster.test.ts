// docs/helm.md's "Installing on a cluster", "Upgrading" and "CRDs" blocks, and the chart's own
// README, run as written on the local platform. What the test changes: the namespaces become
// the suite's, and `helm install` gets `--set crds.install=false`, because every suite shares
// the platform's CRDs and no release may own them (test/chart/crds.test.ts runs the install
// with the chart's CRDs, and the adoption block of docs/helm.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlock, runDocScript, shellEnvOf, type SuiteEnv, useSuiteEnv } from '@slm-fleet/testing';
import { forSuite, helmOf } from './chart.js';

/** The block for the suite: its namespaces, and an install that leaves the shared CRDs alone. */
function forPlatform(block: string, env: SuiteEnv, specialistNamespace = 'team-a'): string {
  return forSuite(block, env)
    .replace(/-n team-a\b/g, `-n ${specialistNamespace}`)
    .replace(/^(helm install slm-fleet charts\/slm-fleet -n \S+)/m, '$1 --set crds.install=false');
}

interface Deployment {
  spec: { template: { spec: { containers: { image: string }[] } } };
}

describe('docs/helm.md: installing on a cluster, upgrading, CRDs managed by hand', () => {
  const env = useSuiteEnv('chart-cluster');
  const teamA = () => `${env().namespace}-team-a`;
  const run = async (name: string) =>
    runDocScript(forPlatform(await docBlock('docs/helm.md', name), env(), teamA()), shellEnvOf(env()));
  const imageOf = async (deployment: string) =>
    (JSON.parse(await env().kubectl('get', 'deployment', deployment, '-o', 'json')) as Deployment).spec.template.spec
      .containers[0]?.image;

  beforeAll(async () => {
    await env().kubectl('create', 'namespace', teamA());
  });
  afterAll(async () => {
    await helmOf(env()).run('uninstall', 'slm-fleet', '-n', env().namespace, '--wait');
    await env().kubectl('delete', 'namespace', teamA(), '--wait=false');
  });

  it('creates the Redis URL Secrets in the release and the Specialist namespaces', async () => {
    await run('redis-secrets');
    for (const namespace of [env().namespace, teamA()]) {
      const url = await env().kubectl(
        'get',
        'secret',
        'slm-fleet-redis',
        '-n',
        namespace,
        '-o',
        'jsonpath={.data.url}',
      );
      expect(Buffer.from(url, 'base64').toString()).toBe('redis://:PASSWORD@redis.example.com:6379');
    }
  });

  it('installs with the image and GPU profiles given, and waits for the rollouts', async () => {
    const output = await run('install');
    expect(output).toMatch(/STATUS: deployed/);
    expect(await imageOf('slm-fleet-operator')).toMatch(/^registry\.example\.com\/slm-fleet:/);
    const config = await env().kubectl(
      'get',
      'configmap',
      'slm-fleet-operator',
      '-o',
      'jsonpath={.data.operator\\.yaml}',
    );
    expect(config).toMatch(/name: nvidia-l4/);
    expect(config).not.toMatch(/nvidia-h100/);
  });

  it('upgrades to a new image tag', async () => {
    await run('upgrade');
    expect(await imageOf('slm-fleet-router')).toBe('registry.example.com/slm-fleet:0.2.0');
  });

  it('applies the CRDs by hand, then upgrades the release with the values it has', async () => {
    const output = await run('crds-yourself');
    expect(output).toMatch(/customresourcedefinition.apiextensions.k8s.io\/specialists.slm.dev serverside-applied/);
    expect(await imageOf('slm-fleet-router')).toBe('registry.example.com/slm-fleet:0.2.0');
    const history = await helmOf(env()).ok('history', 'slm-fleet', '-n', env().namespace, '-o', 'json');
    expect((JSON.parse(history) as { revision: number }[]).map((r) => r.revision)).toEqual([1, 2, 3]);
  });
});

describe("charts/slm-fleet/README.md: the chart's own quick install", () => {
  const env = useSuiteEnv('chart-readme');

  afterAll(async () => {
    await helmOf(env()).run('uninstall', 'slm-fleet', '-n', env().namespace, '--wait');
  });

  it('creates the Secret and installs the release', async () => {
    const block = await docBlock('charts/slm-fleet/README.md', 'chart-readme');
    const output = await runDocScript(forPlatform(block, env()), shellEnvOf(env()));
    expect(output).toMatch(/STATUS: deployed/);
    await env().kubectl('get', 'secret', 'slm-fleet-redis');
    await env().kubectl('get', 'deployment', 'slm-fleet-operator', 'slm-fleet-router');
  });
});
