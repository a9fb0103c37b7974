// scripts/platform as a person uses it: the tools answer, `up` is idempotent and restarts
// what died, `down` leaves nothing listening, and --redis-cluster makes a real cluster.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { repoRoot, runTool, toolPath } from '@slm-fleet/testing';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts', 'platform');

const platformIn = async (runDir: string | undefined, ...args: string[]): Promise<string> => {
  const env = runDir ? { ...process.env, SLM_FLEET_RUN_DIR: runDir } : process.env;
  return (await run(script, args, { env })).stdout;
};

const pidsByComponent = (status: string): Record<string, string> =>
  Object.fromEntries(
    status
      .split('\n')
      .slice(1)
      .filter((line) => line.includes('running'))
      .map((line) => line.split(/\s+/))
      .map(([name, , pid]) => [name!, pid!]),
  );

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('scripts/platform', () => {
  const platform = inject('platform');

  it('serves Kubernetes 1.36 with GPU nodes, helm and Redis through the env it prints', async () => {
    const kubectl = (...args: string[]): Promise<string> =>
      runTool(toolPath(platform, 'kubectl'), ['--kubeconfig', platform.KUBECONFIG, ...args]);
    const version = JSON.parse(await kubectl('version', '-o', 'json')) as { serverVersion: { gitVersion: string } };
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.36\.\d+$/);

    // The platform's own nodes carry slm.dev/node-pool; suites may add nodes of their own.
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-l', 'slm.dev/node-pool', '-o', 'json')) as {
      items: { metadata: { labels: Record<string, string> }; status: { allocatable: Record<string, string> } }[];
    };
    const gpuNodes = nodes.items.filter((n) => n.metadata.labels['nvidia.com/gpu.present'] === 'true');
    expect(gpuNodes.map((n) => n.metadata.labels['nvidia.com/gpu.product']).sort()).toEqual([
      'NVIDIA-H100-80GB-HBM3',
      'NVIDIA-H100-80GB-HBM3',
      'NVIDIA-L4',
      'NVIDIA-L4',
    ]);
    expect(gpuNodes.every((n) => n.status.allocatable['nvidia.com/gpu'] === '8')).toBe(true);
    expect(nodes.items.filter((n) => !n.status.allocatable['nvidia.com/gpu'])).toHaveLength(1);

    expect(await runTool(toolPath(platform, 'helm'), ['version', '--short'])).toMatch(/^v3\./);
    expect((await runTool('redis-cli', ['-u', platform.REDIS_URL, 'ping'])).trim()).toBe('PONG');
  });

  it('up is idempotent and restarts a component that died', async () => {
    const before = pidsByComponent(await platformIn(undefined, 'status'));
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['etcd', 'apiserver', 'controller-manager', 'scheduler', 'kwok', 'redis']),
    );
    await platformIn(undefined, 'up');
    expect(pidsByComponent(await platformIn(undefined, 'status'))).toEqual(before);

    process.kill(Number(before['scheduler']), 'SIGKILL');
    await platformIn(undefined, 'up');
    const after = pidsByComponent(await platformIn(undefined, 'status'));
    expect(after['scheduler']).toBeDefined();
    expect(after['scheduler']).not.toBe(before['scheduler']);
    expect({ ...after, scheduler: undefined }).toEqual({ ...before, scheduler: undefined });
  });

  it('down stops everything it started and leaves nothing listening (Redis and a Redis Cluster)', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'slm-fleet-platform-'));
    try {
      await platformIn(runDir, 'up', '--no-k8s', '--redis-cluster');
      const env = await platformIn(runDir, 'env');
      const clusterNodes = /REDIS_CLUSTER_NODES=(\S+)/.exec(env)![1]!.split(',');
      expect(clusterNodes).toHaveLength(3);
      const info = await runTool('redis-cli', ['-c', '-u', `redis://${clusterNodes[0]}`, 'cluster', 'info']);
      expect(info).toContain('cluster_state:ok');
      expect(info).toMatch(/cluster_size:3/);

      const ports = await Promise.all(
        (await readdir(join(runDir, 'ports'))).map(async (f) =>
          Number(await readFile(join(runDir, 'ports', f), 'utf8')),
        ),
      );
      expect(ports).toHaveLength(7); // redis, three cluster nodes and their bus ports
      for (const port of ports) expect(await listening(port)).toBe(true);

      await platformIn(runDir, 'down');
      for (const port of ports) expect(await listening(port)).toBe(false);
      expect(await platformIn(runDir, 'status')).toContain('not started');
    } finally {
      await platformIn(runDir, 'down').catch(() => undefined);
      await rm(runDir, { recursive: true, force: true });
    }
  });

  it('names the failing step and its log file (Redis port already taken)', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'slm-fleet-platform-'));
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      await mkdir(join(runDir, 'ports'), { recursive: true });
      await writeFile(join(runDir, 'ports', 'redis'), String(port));
      const failure = await platformIn(runDir, 'up', '--no-k8s').then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      const log = join(runDir, 'logs', 'redis.log');
      expect(failure).toContain(`redis exited during start-up; see ${log}`);
      expect(await readFile(log, 'utf8')).toMatch(/Address already in use/);
    } finally {
      squatter.close();
      await platformIn(runDir, 'down').catch(() => undefined);
      await rm(runDir, { recursive: true, force: true });
    }
  });

  it('env tells how to start a platform that is not up', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'slm-fleet-platform-'));
    try {
      const failure = await platformIn(runDir, 'env').then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      expect(failure).toMatch(/platform is not up; run: .*scripts\/platform up/);
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});
