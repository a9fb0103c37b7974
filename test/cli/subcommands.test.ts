// The slm-fleet executable as a user runs it: each subcommand starts, serves its probes, and
// exits 0 on SIGTERM; bad arguments get an error that names the argument.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEngineSim } from '@slm-fleet/engine-sim';
import type { RunningService } from '@slm-fleet/service';
import { SIMULATOR_DEFAULTS } from '@slm-fleet/simulator';
import { eventually, repoRoot, slmFleetBin } from '@slm-fleet/testing';

interface LogLine {
  level: string;
  message: unknown;
  context?: string;
}

/** Every child this suite starts; any still running after a test (a failed one) is killed. */
const children: ChildProcess[] = [];

/** Starts the CLI and resolves with the HTTP ports of the services it logs as listening. */
function startCli(
  args: string[],
  expectedServices: number,
  env: Record<string, string> = {},
): { child: ChildProcess; ports: Promise<number[]> } {
  const child = spawn(process.execPath, [slmFleetBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  const ports = new Promise<number[]>((resolve, reject) => {
    const found: number[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as LogLine; // every stdout line must be a JSON object
      const message = entry.message as { msg?: string; port?: number };
      if (message.msg === 'listening' && message.port) found.push(message.port);
      if (found.length === expectedServices) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`slm-fleet ${args.join(' ')} exited early with ${code}`)));
  });
  return { child, ports };
}

const exitCode = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => child.once('exit', (code) => resolve(code)));

describe('slm-fleet executable', () => {
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const platform = inject('platform');
  // The operator watches one namespace nobody uses, without leader election, so it does not
  // reconcile other suites' Specialists.
  const operatorConfig = join(mkdtempSync(join(tmpdir(), 'slm-fleet-cli-')), 'operator.yaml');
  writeFileSync(operatorConfig, 'namespaces: [slm-fleet-cli-test]\nleaderElection: {enabled: false}\n');
  // The worker needs an engine to be ready: the simulator, in this process.
  let engine: RunningService | undefined;
  const engineSimDefaults = { host: '127.0.0.1', httpPort: 0, ...SIMULATOR_DEFAULTS };
  const platformEnv = {
    REDIS_URL: platform.REDIS_URL,
    KUBECONFIG: platform.KUBECONFIG,
    SLM_FLEET_OPERATOR_CONFIG: operatorConfig,
    SLM_FLEET_NAMESPACE: 'slm-fleet-cli-test',
    SLM_FLEET_SPECIALIST: 'slm-fleet-cli-test/cli-worker',
    SLM_FLEET_ENGINE_URL: '',
  };
  beforeAll(async () => {
    engine = await startEngineSim(engineSimDefaults);
    platformEnv.SLM_FLEET_ENGINE_URL = `http://127.0.0.1:${engine.port}/v1`;
  });
  afterAll(async () => engine?.stop());

  it('is built (npm ci builds it; otherwise run npm run build)', () => {
    expect(existsSync(join(repoRoot, 'apps', 'cli', 'dist', 'index.js'))).toBe(true);
  });

  it.each([
    ['operator', [['kube-apiserver', 'informers']]],
    ['router', [['redis', 'routing-table']]],
    ['worker', [['redis', 'engine']]],
    ['engine-sim', [[]]],
    // Local mode serves the router in-process; its workers and simulators are child processes.
    ['local --no-demo --grpc-port 0', [['redis', 'routing-table']]],
  ])(
    '%s starts against the platform, is ready with checks %j, and exits 0 on SIGTERM',
    async (command, checksPerService) => {
      const args = [...command.split(' '), '--http-port', '0'];
      const { child, ports } = startCli(args, checksPerService.length, platformEnv);
      const exited = exitCode(child);
      const checks: string[][] = [];
      for (const port of await ports) {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
        const ready = await eventually(async () => {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`);
          expect(response.status).toBe(200);
          return (await response.json()) as { checks: Record<string, string> };
        });
        checks.push(Object.keys(ready.checks));
      }
      expect(checks).toEqual(checksPerService);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );

  it('reports not ready naming Redis when Redis is unreachable, stays live, and still exits 0', async () => {
    const closedPort = 1; // nothing listens on port 1 of loopback
    const { child, ports } = startCli(['worker', '--http-port', '0'], 1, {
      REDIS_URL: `redis://user:s3cret@127.0.0.1:${closedPort}`,
      SLM_FLEET_SPECIALIST: 'slm-fleet-cli-test/cli-worker',
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = exitCode(child);
    const [port] = await ports;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks['redis']).toMatch(
      /^redis (connecting|reconnecting)/,
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toContain('s3cret');
  });

  it.each([
    [['router', '--http-port', 'eighty'], '--http-port must be a whole number from 0 to 65535, got "eighty"'],
    [['worker', '--http-port', '70000'], '--http-port must be a whole number from 0 to 65535, got "70000"'],
    [['operator', '--host', 'my host'], '--host must be an IP address or "localhost", got "my host"'],
    [['no-such-command'], "unknown command 'no-such-command'"],
    [
      ['router', '--redis-url', 'http://user:s3cret@127.0.0.1:6379'],
      '--redis-url must start with redis:// or rediss://',
    ],
    [
      ['worker', '--specialist', 'ns/w', '--redis-url', 'redis://user:s3cret@127.0.0.1:6379/queues'],
      '--redis-url path must be a database number',
    ],
    [['worker', '--specialist', 'no-slash'], '--specialist must be namespace/name of a Specialist, got "no-slash"'],
    [['worker'], "required option '--specialist <namespace/name>' not specified"],
    [['worker', '--specialist', 'ns/w', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 4096'],
    [['worker', '--specialist', 'ns/w', '--drain-timeout', '5 minutes'], '--drain-timeout must be a duration'],
    [['engine-sim', '--error-rate', '1.5'], '--error-rate must be a number from 0 to 1, got "1.5"'],
    [['router', '--grpc-port', 'grpc'], '--grpc-port must be a whole number from 0 to 65535, got "grpc"'],
    [['operator', '--kubeconfig', '/nonexistent/kubeconfig'], 'cannot load --kubeconfig /nonexistent/kubeconfig'],
  ])('rejects %j with an error naming the argument', async (args, message) => {
    const child = spawn(process.execPath, [slmFleetBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).not.toBe(0);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('s3cret');
  });
});
