// The Helm chart as users run it: the platform's real helm and kubectl against the suite's
// namespace. Releases get names of their own; cluster-scoped objects carry the release name
// and namespace, so suites running at once do not collide.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { expect } from 'vitest';
import { repoRoot, runTool, toolPath, type SuiteEnv } from '@slm-fleet/testing';

export const chartDir = join(repoRoot, 'charts', 'slm-fleet');

/**
 * The chart's CRDs (files/crds/, which `npm run generate` writes) are the generated crds/*.yaml,
 * byte for byte: the same files, the same content.
 */
export async function expectChartCrdsGenerated(): Promise<void> {
  const generated = (await readdir(join(repoRoot, 'crds'))).filter((f) => f.endsWith('.yaml')).sort();
  const shipped = (await readdir(join(chartDir, 'files', 'crds'))).sort();
  expect(shipped, 'charts/slm-fleet/files/crds/ lists the same files as crds/').toEqual(generated);
  for (const file of generated) {
    const [a, b] = await Promise.all([
      readFile(join(repoRoot, 'crds', file), 'utf8'),
      readFile(join(chartDir, 'files', 'crds', file), 'utf8'),
    ]);
    expect(b === a, `charts/slm-fleet/files/crds/${file} differs from crds/${file}: npm run generate`).toBe(true);
  }
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to its end; never rejects for a non-zero exit (the caller looks at `code`). */
function run(bin: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

interface Helm {
  /** helm with the suite's kubeconfig; resolves to its stdout, rejects with its stderr when it fails. */
  ok: (...args: string[]) => Promise<string>;
  /** helm with the suite's kubeconfig, whatever its exit. */
  run: (...args: string[]) => Promise<RunResult>;
}

export function helmOf(env: SuiteEnv): Helm {
  const bin = toolPath(env.platform, 'helm');
  const withConfig = (args: string[]) => ['--kubeconfig', env.kubeconfigPath, ...args];
  return {
    ok: (...args) => runTool(bin, withConfig(args)),
    run: (...args) => run(bin, withConfig(args)),
  };
}

/** kubectl with the suite's kubeconfig, whatever its exit (stderr kept: warnings, refusals). */
export function kubectlRun(env: SuiteEnv, args: string[], input?: string): Promise<RunResult> {
  return run(toolPath(env.platform, 'kubectl'), ['--kubeconfig', env.kubeconfigPath, ...args], input);
}

export const releaseName = (prefix: string): string => `${prefix}-${randomBytes(2).toString('hex')}`;

/** `--set` pairs from a flat object (values as Helm's --set reads them). */
export const sets = (values: Record<string, string | number | boolean>): string[] =>
  Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${String(value)}`]);

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export function parseManifests(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}/${name} rendered; got ${names}`);
  }
  return found;
};

export interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: unknown;
}

export interface PodTemplate {
  metadata: { annotations?: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    securityContext?: Record<string, unknown>;
    containers: Container[];
  };
}

export const podTemplateOf = (deployment: K8sObject): PodTemplate =>
  (deployment as unknown as { spec: { template: PodTemplate } }).spec.template;

/** The service account user name the API server gives a pod's token. */
export const serviceAccountUser = (namespace: string, name: string): string =>
  `system:serviceaccount:${namespace}:${name}`;

/**
 * `kubectl auth can-i` as a service account (impersonated: the API server adds the service
 * account groups). `what` is e.g. ['patch', 'specialists.slm.dev', '--subresource=status'].
 */
async function canI(env: SuiteEnv, user: string, namespace: string | undefined, what: string[]): Promise<boolean> {
  // Without a namespace, the question is cluster-wide (-A), not about the kubeconfig's namespace.
  const args = ['auth', 'can-i', ...what, `--as=${user}`, ...(namespace ? ['-n', namespace] : ['-A'])];
  const result = await kubectlRun(env, args);
  const answer = result.stdout.trim();
  if (answer !== 'yes' && answer !== 'no') {
    throw new Error(`kubectl ${args.join(' ')}: unexpected answer ${answer}\n${result.stderr}`);
  }
  return answer === 'yes';
}

/** One `kubectl auth can-i` question: in a namespace, or cluster-wide without one. */
export interface Check {
  namespace?: string;
  what: string[];
}

/** Every check whose answer differs from the expected one, named (for a readable failure). */
export async function wrongAnswers(env: SuiteEnv, user: string, expected: boolean, checks: Check[]): Promise<string[]> {
  const answers = await Promise.all(checks.map((c) => canI(env, user, c.namespace, c.what)));
  return checks
    .filter((_, i) => answers[i] !== expected)
    .map((c) => `${c.what.join(' ')}${c.namespace ? ` -n ${c.namespace}` : ' (cluster)'}`);
}

/** The Redis URL Secret the chart's pods read (redis.urlSecret); its value is never used by kwok pods. */
export async function createRedisUrlSecret(env: SuiteEnv): Promise<void> {
  await env.kubectl('create', 'secret', 'generic', 'slm-fleet-redis', `--from-literal=url=${env.redisUrl}`);
}

/**
 * A docs block for a suite's namespace: `slm-fleet` as a namespace becomes the suite's, which
 * the suite made (so `kubectl create namespace slm-fleet` goes).
 */
export function forSuite(block: string, env: SuiteEnv): string {
  const script = block
    .split('\n')
    .filter((line) => !/^kubectl create namespace slm-fleet\s*$/.test(line))
    .join('\n')
    .replace(/(-n |\{|serviceaccount:)slm-fleet(?=[\s}:'"]|$)/g, `$1${env.namespace}`);
  expect(script).not.toMatch(/-n slm-fleet\b(?!-)/);
  return script;
}
