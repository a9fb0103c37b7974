// docs/helm.md's quickstart, run as written: each block marked `<!-- test: ... -->` is run by
// bash from the repository root, with only the namespace changed to the suite's.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import { helmOf } from './chart.js';

/** The ```sh block after `<!-- test: <name> -->` in docs/helm.md. */
async function docBlock(name: string): Promise<string> {
  const text = await readFile(join(repoRoot, 'docs', 'helm.md'), 'utf8');
  const marker = text.indexOf(`<!-- test: ${name} -->`);
  if (marker === -1) throw new Error(`docs/helm.md has no block marked "test: ${name}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(marker));
  if (!block?.[1]) throw new Error(`docs/helm.md: no sh block after "test: ${name}"`);
  return block[1];
}

/**
 * Runs a script in a process group of its own and ends the whole group afterwards (a command
 * the script put in the background included). Resolves with the output; rejects on failure.
 */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group has ended already
      }
      if (code === 0) resolve(output);
      else reject(new Error(`the docs block failed (exit ${code}):\n${script}\n---\n${output}`));
    });
  });
}

describe('docs/helm.md quickstart', () => {
  const env = useSuiteEnv('chart-docs');

  afterAll(async () => {
    await helmOf(env()).run('uninstall', 'slm-fleet', '-n', env().namespace, '--wait');
  });

  /** The block for the suite's namespace: `slm-fleet` as a namespace becomes the suite's; the suite made the namespace. */
  const forSuite = (block: string): string => {
    const script = block
      .split('\n')
      .filter((line) => !/^kubectl create namespace slm-fleet\s*$/.test(line))
      .join('\n')
      .replace(/(-n |\{|serviceaccount:)slm-fleet(?=[\s}:'"]|$)/g, `$1${env().namespace}`);
    expect(script).not.toMatch(/-n slm-fleet\b(?!-)/);
    return script;
  };
  // A later block goes on in the shell the first one set up (eval "$(scripts/platform env)").
  const shellEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    KUBECONFIG: env().kubeconfigPath,
    REDIS_URL: env().redisUrl,
    PATH: env().platform.PATH,
    // The operator the docs start reads the suite's queues (no keys outside the suite's prefix).
    SLM_FLEET_QUEUE_PREFIX: env().redisPrefix.replace(/:$/, ''),
  });

  it('installs, checks and upgrades the chart', async () => {
    const output = await bash(forSuite(await docBlock('quickstart')), shellEnv());
    expect(output).toMatch(/deployment "slm-fleet-operator" successfully rolled out/);
    expect(output).toMatch(/^yes$/m);
    expect(await env().kubectl('get', 'deployment', 'slm-fleet-router', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
  });

  it('runs the operator with the chart ServiceAccount and configuration, and uninstalls', async () => {
    const output = await bash(forSuite(await docBlock('operator-as-chart')), shellEnv());
    expect(output).toMatch(/specialist.slm.dev\/invoice-extractor condition met/);
    expect(output, 'requests refused in the operator log').toMatch(/^0$/m);
    expect(output).toMatch(/release "slm-fleet" uninstalled/);
  });
});
