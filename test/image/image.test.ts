// The image, built and run: scripts/image builds the repository's unchanged Dockerfile with
// podman (no Docker engine here), and the containers run as the chart runs them: uid 65532, a
// read-only root filesystem, no capabilities, no privilege escalation. The host network and
// 127.0.0.1 keep everything on loopback, against the platform's Redis and API server.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@slm-fleet/service';
import { eventually, installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import { simSpecialist } from '../data-plane/fleet.js';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'image');
const IMAGE = `slm-fleet:${(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}`;
/** The chart's pod and container security settings, as podman flags. */
const AS_THE_CHART = [
  '--user',
  '65532:65532',
  '--read-only',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--network',
  'host',
];

const podman = async (...args: string[]): Promise<string> =>
  (await run(script, ['podman', ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

interface KubeconfigFile {
  clusters: { cluster: Record<string, string> }[];
  users: { user: Record<string, string> }[];
}

/**
 * The suite's kubeconfig and the files it names, copied where uid 65532 may read them (the
 * platform's are root's), with the paths they will have in the container under /kube.
 */
async function kubeconfigForContainer(source: string, dir: string): Promise<string> {
  const config = parse(await readFile(source, 'utf8')) as KubeconfigFile;
  const entries = [...config.clusters.map((c) => c.cluster), ...config.users.map((u) => u.user)];
  for (const entry of entries) {
    for (const field of ['certificate-authority', 'client-certificate', 'client-key']) {
      const path = entry[field];
      if (!path) continue;
      await copyFile(path, join(dir, basename(path)));
      await chmod(join(dir, basename(path)), 0o644);
      entry[field] = `/kube/${basename(path)}`;
    }
  }
  await writeFile(join(dir, 'config'), stringify(config), { mode: 0o644 });
  await chmod(dir, 0o755);
  return dir;
}

describe('the image, run as the chart runs it', () => {
  const env = useSuiteEnv('image');
  const containers: string[] = [];
  let kubeDir = '';

  /** Starts a container of the image in the background; resolves to its name. */
  const start = async (name: string, args: string[], extra: string[] = []): Promise<string> => {
    const unique = `${name}-${env().namespace}`.slice(0, 60);
    containers.push(unique);
    await podman('run', '-d', '--name', unique, ...AS_THE_CHART, ...extra, IMAGE, ...args);
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
  const stopped = async (name: string): Promise<number> => {
    await podman('stop', '-t', '30', name);
    return Number(await podman('inspect', '--format', '{{.State.ExitCode}}', name));
  };

  beforeAll(async () => {
    // Cold on a fresh machine: Debian's podman and mmdebstrap, the base, then the build.
    await run(script, ['build'], { timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
    await installCrds(env());
    kubeDir = await kubeconfigForContainer(env().kubeconfigPath, await mkdtemp(join(tmpdir(), 'slm-fleet-kube-')));
  }, 900_000);

  afterAll(async () => {
    for (const name of containers) await podman('rm', '-f', name).catch(() => undefined);
    if (kubeDir) await rm(kubeDir, { recursive: true, force: true });
  });

  it('runs the CLI as uid 65532 on a read-only root filesystem', async () => {
    const { stdout } = await run(script, ['run', '--rm', ...AS_THE_CHART, IMAGE, '--help']);
    expect(stdout).toMatch(/Usage: slm-fleet/);
    expect(await podman('image', 'inspect', '--format', '{{.Config.User}}', IMAGE)).toBe('65532:65532');
  });

  it("lists its packages: the lockfile's production versions, no development tool", async () => {
    const list = (
      await podman('run', '--rm', ...AS_THE_CHART, '--entrypoint', 'cat', IMAGE, '/app/packages.txt')
    ).split('\n');
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
      const grep = (needle: string) =>
        run(script, [
          'run',
          '--rm',
          '--user',
          '0:0',
          '--entrypoint',
          'grep',
          image,
          '-rl',
          '--exclude-dir=proc',
          '--exclude-dir=sys',
          '--exclude-dir=dev',
          needle,
          '/',
        ]).then(
          ({ stdout }) => stdout.trim(),
          (error: { code?: number; stdout?: string }) => (error.code === 1 ? '' : Promise.reject(error)),
        );
      // The search works (it finds what is there), and finds no planted secret anywhere.
      expect(await grep('"name": "slm-fleet"')).toContain('/app/package.json');
      expect(await grep(token)).toBe('');
    } finally {
      await podman('rmi', '-f', image).catch(() => undefined);
      await rm(context, { recursive: true, force: true });
    }
  }, 900_000);

  it('passes a call through a router and a worker in containers to a simulator in a container', async () => {
    const { namespace, redisUrl, queuePrefix } = env();
    await env().apply(simSpecialist('contained', ['contained-task']));
    const [simPort, workerPort, routerPort, grpcPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const sim = await start('sim', ['engine-sim', '--model', 'sim-model', '--http-port', String(simPort)]);
    await ready(simPort);
    const worker = await start(
      'worker',
      [
        'worker',
        '--specialist',
        `${namespace}/contained`,
        '--engine-url',
        `http://127.0.0.1:${simPort}/v1`,
        '--model',
        'sim-model',
        '--queue-prefix',
        queuePrefix,
        '--http-port',
        String(workerPort),
      ],
      ['--env', `REDIS_URL=${redisUrl}`],
    );
    await ready(workerPort);
    const router = await start(
      'router',
      [
        'router',
        '--namespace',
        namespace,
        '--kubeconfig',
        '/kube/config',
        '--queue-prefix',
        queuePrefix,
        '--http-port',
        String(routerPort),
        '--grpc-port',
        String(grpcPort),
      ],
      ['--env', `REDIS_URL=${redisUrl}`, '--volume', `${kubeDir}:/kube:ro`],
    );
    await ready(routerPort);

    const response = await fetch(`http://127.0.0.1:${routerPort}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'contained-task', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(response.headers.get('x-slm-answered-by')).toBe(`${namespace}/contained`);

    // Each stops on SIGTERM within its grace period, by itself.
    expect(await stopped(router)).toBe(0);
    expect(await stopped(worker)).toBe(0);
    expect(await stopped(sim)).toBe(0);
  });
});
