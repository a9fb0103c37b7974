// The image, built and run: scripts/image builds the repository's unchanged Dockerfile with
// podman (no Docker engine here), and the containers run as the chart runs them. The chart is
// installed on the platform (kwok: its pods run no containers) and its operator and router, and
// the worker the operator renders for a Specialist, run with podman from those pod specs
// (pod-as-podman.ts): uid 65532, a read-only root filesystem, no capabilities, the chart's args
// and env, the ServiceAccount's token mounted where client-node looks for it. The host network
// and 127.0.0.1 keep everything on loopback, against the platform's Redis and API server.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@slm-fleet/service';
import { deleteKeysWithPrefix, eventually, installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import { helmOf, sets } from '../chart/chart.js';
import { simSpecialist } from '../data-plane/fleet.js';
import { podmanContainer, type PodSources } from './pod-as-podman.js';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'image');
const IMAGE = `slm-fleet:${(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}`;
/** The chart's container security settings, as podman flags, for containers no pod spec describes. */
const AS_THE_CHART = [
  '--user',
  '65532:65532',
  '--read-only',
  '--read-only-tmpfs=false',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--network',
  'host',
];

const podman = async (...args: string[]): Promise<string> =>
  (await run(script, ['podman', ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout.trim();

/** The image's files, extracted on the host (the image has no shell or coreutils to look with). */
async function imageFiles(image: string, dir: string): Promise<string> {
  const name = `files-${Math.random().toString(36).slice(2, 8)}`;
  await podman('create', '--name', name, image);
  try {
    await podman('export', '--output', join(dir, 'image.tar'), name);
  } finally {
    await podman('rm', '-f', name);
  }
  await mkdir(join(dir, 'root'));
  await run('tar', ['-xf', join(dir, 'image.tar'), '-C', join(dir, 'root')]);
  return join(dir, 'root');
}

describe('the image, run as the chart runs it', () => {
  const env = useSuiteEnv('image');
  const containers: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let workDir = '';

  /** Starts a container of the image in the background; resolves to its name. */
  const start = async (name: string, flags: string[], args: string[]): Promise<string> => {
    const unique = `${name}-${env().namespace}`.slice(0, 60);
    containers.push(unique);
    await podman('run', '-d', '--name', unique, ...flags, IMAGE, ...args);
    return unique;
  };
  const ready = (port: number) =>
    eventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(response.status, await response.text()).toBe(200);
      },
      { timeoutMs: 60_000 },
    );
  /** SIGTERM, then the exit code: 137 would mean podman had to kill it after the grace period. */
  const stopped = async (name: string, graceSeconds = 30): Promise<number> => {
    await podman('stop', '-t', String(graceSeconds), name);
    return Number(await podman('inspect', '--format', '{{.State.ExitCode}}', name));
  };

  beforeAll(async () => {
    // Cold on a fresh machine: Debian's podman and mmdebstrap, the base, then the build.
    await run(script, ['build'], { timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
    await installCrds(env());
    workDir = await mkdtemp(join(tmpdir(), 'slm-fleet-image-'));
    await chmod(workDir, 0o755);
  }, 900_000);

  afterAll(async () => {
    for (const name of containers) await podman('rm', '-f', name).catch(() => undefined);
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('runs the CLI as uid 65532 on a read-only root filesystem', async () => {
    const { stdout } = await run(script, ['run', '--rm', ...AS_THE_CHART, IMAGE, '--help']);
    expect(stdout).toMatch(/Usage: slm-fleet/);
    expect(await podman('image', 'inspect', '--format', '{{.Config.User}}', IMAGE)).toBe('65532:65532');
  });

  it("holds node and the app, no shell or package manager, and lists the lockfile's production packages", async () => {
    const root = await imageFiles(IMAGE, await mkdtemp(join(workDir, 'files-')));
    const names = (await readdir(root, { recursive: true })).map((path) => path.split('/').pop());
    for (const tool of ['sh', 'bash', 'dash', 'busybox', 'apt', 'dpkg', 'npm', 'npx', 'corepack', 'cat']) {
      expect(names, `the image holds ${tool}`).not.toContain(tool);
    }
    expect(names).toContain('node');
    await expect(run(script, ['run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', 'true'])).rejects.toThrow(
      /executable file not found/,
    );

    const list = (await readFile(join(root, 'app', 'packages.txt'), 'utf8')).split('\n');
    const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    for (const name of ['bullmq', 'ioredis', '@grpc/grpc-js', '@kubernetes/client-node']) {
      expect(list).toContain(`${name}@${lock.packages[`node_modules/${name}`]?.version}`);
    }
    expect(list.filter((line) => /^(vitest|typescript|eslint|prettier)@/.test(line))).toEqual([]);
  });

  it('keeps planted secrets out: the build context never holds them, so the image does not', async () => {
    // A copy of the repository's files (what `docker build .` would send), with secrets planted
    // where .dockerignore must catch them, built as an image of its own.
    const context = await mkdtemp(join(tmpdir(), 'slm-fleet-context-'));
    const token = `planted-secret-${env().namespace}`;
    const planted = ['.env', 'apps/router/.env.local', 'apps/cli/bin/.npmrc', 'libs/queue/src/tls.key', 'id_rsa'];
    const image = `slm-fleet-planted:${env().namespace}`.slice(0, 120);
    try {
      const files = (await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot })).stdout
        .split('\0')
        .filter(Boolean);
      for (const file of files) {
        await mkdir(dirname(join(context, file)), { recursive: true });
        await copyFile(join(repoRoot, file), join(context, file)).catch(() => undefined); // deleted, not yet committed
      }
      for (const file of planted) await writeFile(join(context, file), `KEY=${token}\n`);
      await run(script, ['build'], {
        timeout: 900_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, SLM_FLEET_IMAGE: image, SLM_FLEET_IMAGE_CONTEXT: context },
      });
      const root = await imageFiles(image, await mkdtemp(join(workDir, 'planted-')));
      const grep = (needle: string) =>
        run('grep', ['-rl', needle, root], { maxBuffer: 16 * 1024 * 1024 }).then(
          ({ stdout }) => stdout.trim(),
          (error: { code?: number }) => (error.code === 1 ? '' : Promise.reject(error)),
        );
      // The search works (it finds what is there), and finds no planted secret anywhere.
      expect(await grep('"name": "slm-fleet"')).toContain(join(root, 'app', 'package.json'));
      expect(await grep(token)).toBe('');
    } finally {
      await podman('rmi', '-f', image).catch(() => undefined);
      await rm(context, { recursive: true, force: true });
    }
  }, 900_000);

  it("runs the chart's operator, router and a Specialist's worker from their pod specs: it reconciles, a call passes, each stops on SIGTERM", async () => {
    const { namespace, redisUrl } = env();
    const release = 'img';
    // The chart takes no ':' in a prefix (the suite's has them): one of this test's own, removed after.
    const queuePrefix = `img-${namespace}`;
    cleanups.push(() => deleteKeysWithPrefix(env().redis(), `${queuePrefix}:`));
    await env().kubectl('create', 'secret', 'generic', 'slm-fleet-redis', `--from-literal=url=${redisUrl}`);
    await helmOf(env()).ok(
      'install',
      release,
      join(repoRoot, 'charts', 'slm-fleet'),
      '-n',
      namespace,
      ...sets({ 'crds.install': false, 'redis.queuePrefix': queuePrefix, 'operator.replicas': 1 }),
      '--set',
      `operator.watchNamespaces={${namespace}}`,
    );
    const podSpecOf = async (deployment: string): Promise<V1PodSpec> =>
      eventually(async () => {
        const object = JSON.parse(await env().kubectl('get', 'deployment', deployment, '-o', 'json')) as V1Deployment;
        const spec = object.spec?.template.spec;
        if (!spec) throw new Error(`deployment ${deployment} has no pod template`);
        return spec;
      });
    const kubeconfig = parse(await readFile(env().kubeconfigPath, 'utf8')) as {
      clusters: {
        cluster: { server: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string };
      }[];
    };
    const server = new URL(kubeconfig.clusters[0]!.cluster.server);
    /** What the kubelet mounts for the pod's ServiceAccount: a token, the cluster's CA, the namespace. */
    const serviceAccountDir = async (account: string): Promise<string> => {
      const dir = join(workDir, `sa-${account}`);
      await mkdir(dir, { recursive: true });
      const token = (await env().kubectl('create', 'token', account)).trim();
      await writeFile(join(dir, 'token'), token, { mode: 0o644 });
      const { cluster } = kubeconfig.clusters[0]!;
      const ca = cluster['certificate-authority-data']
        ? Buffer.from(cluster['certificate-authority-data'], 'base64')
        : await readFile(cluster['certificate-authority']!);
      await writeFile(join(dir, 'ca.crt'), ca, { mode: 0o644 });
      await writeFile(join(dir, 'namespace'), namespace, { mode: 0o644 });
      await chmod(dir, 0o755);
      return dir;
    };
    const sources = async (pod: V1PodSpec): Promise<PodSources> => ({
      secretValue: async (name, key) =>
        Buffer.from(
          await env().kubectl('get', 'secret', name, '-o', `jsonpath={.data.${key.replace(/\./g, '\\.')}}`),
          'base64',
        ).toString('utf8'),
      configMapData: async (name) =>
        (JSON.parse(await env().kubectl('get', 'configmap', name, '-o', 'json')) as { data?: Record<string, string> })
          .data ?? {},
      ...(pod.serviceAccountName ? { serviceAccountDir: await serviceAccountDir(pod.serviceAccountName) } : {}),
      apiServer: { host: server.hostname, port: server.port },
    });
    const runPodContainer = async (pod: V1PodSpec, container: string, ports: Map<number, number>) => {
      const translated = await podmanContainer(pod, container, await sources(pod), ports, workDir);
      const name = await start(container, translated.flags, translated.args);
      return { ...translated, name };
    };

    // The operator, as the chart runs it, reconciles a Specialist from inside its container.
    const operatorPod = await podSpecOf(`${release}-slm-fleet-operator`);
    const operator = await runPodContainer(operatorPod, 'operator', new Map([[8081, await freePort()]]));
    await ready(operator.ports.get(8081)!);
    await env().apply(simSpecialist('contained', ['contained-task']));
    await eventually(
      async () =>
        expect(
          await env().kubectl(
            'get',
            'specialist',
            'contained',
            '-o',
            'jsonpath={.status.conditions[?(@.type=="Ready")].reason}',
          ),
        ).toBe('AllReplicasReady'),
      { timeoutMs: 90_000 },
    );

    // The worker the operator rendered, beside a simulator on the engine's port.
    const specialistPod = await podSpecOf('contained');
    const enginePort = specialistPod.containers.find((c) => c.name === 'engine')?.ports?.[0]?.containerPort ?? 8000;
    const simPort = await freePort();
    const sim = await start('sim', AS_THE_CHART, [
      'engine-sim',
      '--model',
      'sim-model',
      '--http-port',
      String(simPort),
    ]);
    await ready(simPort);
    const worker = await runPodContainer(
      specialistPod,
      'worker',
      new Map([
        [8082, await freePort()],
        [enginePort, simPort],
      ]),
    );
    await ready(worker.ports.get(8082)!);

    const routerPod = await podSpecOf(`${release}-slm-fleet-router`);
    const router = await runPodContainer(
      routerPod,
      'router',
      new Map([
        [8080, await freePort()],
        [50051, await freePort()],
      ]),
    );
    await ready(router.ports.get(8080)!);

    const response = await fetch(`http://127.0.0.1:${router.ports.get(8080)}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'contained-task', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(response.headers.get('x-slm-answered-by')).toBe(`${namespace}/contained`);

    // The operator was refused nothing by its RBAC.
    expect(await podman('logs', operator.name)).not.toMatch(/forbidden/i);
    // As the kubelet stops a pod: the preStop hook (an HTTP call), then SIGTERM; each exits by
    // itself within the pod's grace period (137 would be podman's kill).
    expect(worker.preStop, 'the worker has a preStop hook').toBeDefined();
    const drained = await fetch(worker.preStop!.url, { headers: worker.preStop!.headers });
    expect(drained.status).toBe(200);
    expect(await stopped(worker.name, worker.graceSeconds)).toBe(0);
    expect(await stopped(router.name, router.graceSeconds)).toBe(0);
    expect(await stopped(operator.name, operator.graceSeconds)).toBe(0);
    expect(await stopped(sim)).toBe(0);
    await helmOf(env()).ok('uninstall', release, '-n', namespace);
  }, 300_000);
});
