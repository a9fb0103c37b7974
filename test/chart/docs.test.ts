// docs/helm.md's quickstart and the README's Helm block, run as written: each block marked
// `<!-- test: ... -->` is run by bash from the repository root, with only the namespace changed
// to the suite's.
import { afterAll, describe, expect, it } from 'vitest';
import { docBlock, runDocScript, shellEnvOf, useSuiteEnv } from '@slm-fleet/testing';
import { forSuite, helmOf } from './chart.js';

describe('README: installing on a cluster (Helm)', () => {
  const env = useSuiteEnv('readme-helm');

  afterAll(async () => {
    await helmOf(env()).run('uninstall', 'slm-fleet', '-n', env().namespace, '--wait');
  });

  it('installs the chart, waits for its rollouts and upgrades it', async () => {
    const output = await runDocScript(forSuite(await docBlock('README.md', 'helm'), env()), process.env);
    expect(output).toMatch(/deployment "slm-fleet-router" successfully rolled out/);
    expect(await env().kubectl('get', 'deployment', 'slm-fleet-router', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
  });
});

describe('docs/helm.md quickstart', () => {
  const env = useSuiteEnv('chart-docs');

  afterAll(async () => {
    await helmOf(env()).run('uninstall', 'slm-fleet', '-n', env().namespace, '--wait');
  });
  // A later block goes on in the shell the first one set up (eval "$(scripts/platform env)").
  const shellEnv = () => shellEnvOf(env());

  it('installs, checks and upgrades the chart', async () => {
    const output = await runDocScript(forSuite(await docBlock('docs/helm.md', 'quickstart'), env()), shellEnv());
    expect(output).toMatch(/deployment "slm-fleet-operator" successfully rolled out/);
    expect(output).toMatch(/^yes$/m);
    expect(await env().kubectl('get', 'deployment', 'slm-fleet-router', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
  });

  it('runs the operator with the chart ServiceAccount and configuration, and uninstalls', async () => {
    const output = await runDocScript(forSuite(await docBlock('docs/helm.md', 'operator-as-chart'), env()), shellEnv());
    expect(output).toMatch(/specialist.slm.dev\/invoice-extractor condition met/);
    expect(output, 'requests refused in the operator log').toMatch(/^0$/m);
    expect(output).toMatch(/release "slm-fleet" uninstalled/);
  });
});
