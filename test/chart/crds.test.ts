// The CRD path with crds.install=true, on the CRDs every suite shares: the chart takes over the
// existing CRDs (docs/helm.md's adoption block, run), manages them through install and upgrade, and keeps
// them on uninstall. The chart's copies must be identical to crds/ (checked before anything is
// touched), so the shared CRDs never change; afterwards Helm's labels and annotations are
// removed again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlock, installCrds, runDocScript, shellEnvOf, useSuiteEnv } from '@slm-fleet/testing';
import { chartDir, expectChartCrdsGenerated, helmOf, parseManifests, releaseName } from './chart.js';

const CRDS = ['specialists.slm.dev', 'agenttasks.slm.dev'];

describe('CRDs installed and upgraded by the chart', () => {
  const env = useSuiteEnv('chart-crds');
  const release = releaseName('crds');
  const helm = () => helmOf(env());
  let adopted = false;
  let installed = false;

  const crdMeta = async (name: string) =>
    (
      JSON.parse(await env().kubectl('get', 'crd', name, '-o', 'json')) as {
        metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
        status: { conditions?: { type: string; status: string }[] };
      }
    ).metadata;
  const established = async (name: string) =>
    (await env().kubectl(
      'get',
      'crd',
      name,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Established")].status}',
    )) === 'True';

  beforeAll(async () => {
    await installCrds(env());
  });

  afterAll(async () => {
    if (installed) await helm().run('uninstall', release, '-n', env().namespace, '--wait');
    if (adopted) {
      // Back to the CRDs as crds/ has them: no Helm ownership.
      await env().kubectl(
        'label',
        'crd',
        ...CRDS,
        'app.kubernetes.io/managed-by-',
        'app.kubernetes.io/instance-',
        'app.kubernetes.io/name-',
        'app.kubernetes.io/version-',
        'helm.sh/chart-',
      );
      await env().kubectl(
        'annotate',
        'crd',
        ...CRDS,
        'meta.helm.sh/release-name-',
        'meta.helm.sh/release-namespace-',
        'helm.sh/resource-policy-',
      );
    }
  });

  it('adopts the existing CRDs, upgrades them with the release and keeps them on uninstall', async () => {
    // Never change the shared CRDs: the chart's copies must be the generated files.
    await expectChartCrdsGenerated();

    // Without the documented adoption, Helm refuses CRDs it did not create.
    const refused = await helm().run('install', release, chartDir, '-n', env().namespace, '--set', 'crds.install=true');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /CustomResourceDefinition "(specialists|agenttasks)\.slm\.dev" .*exists and cannot be imported/,
    );

    // The adoption block of docs/helm.md, as written but for the release's name and namespace.
    adopted = true;
    const adoption = (await docBlock('docs/helm.md', 'crd-adoption'))
      .replace('release-name=slm-fleet', `release-name=${release}`)
      .replace('release-namespace=slm-fleet', `release-namespace=${env().namespace}`);
    expect(adoption).toContain(`release-name=${release}`);
    await runDocScript(adoption, shellEnvOf(env()));
    await helm().ok('install', release, chartDir, '-n', env().namespace, '--set', 'crds.install=true');
    installed = true;
    for (const crd of CRDS) {
      expect((await crdMeta(crd)).annotations).toMatchObject({
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': release,
      });
    }

    await helm().ok(
      'upgrade',
      release,
      chartDir,
      '-n',
      env().namespace,
      '--reuse-values',
      '--set',
      'router.replicas=1',
    );
    const manifest = parseManifests(await helm().ok('get', 'manifest', release, '-n', env().namespace));
    expect(
      manifest
        .filter((o) => o.kind === 'CustomResourceDefinition')
        .map((o) => o.metadata.name)
        .sort(),
      'the release (revision 2) manages the CRDs',
    ).toEqual([...CRDS].sort());

    await helm().ok('uninstall', release, '-n', env().namespace, '--wait');
    installed = false;
    for (const crd of CRDS) expect(await established(crd), `${crd} kept after uninstall`).toBe(true);
  });
});
