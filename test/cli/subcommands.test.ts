// The slm-fleet executable as a user runs it: each subcommand starts, serves its probes, and
// exits 0 on SIGTERM; bad arguments get an error that names the argument.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@slm-fleet/testing';

const bin = join(repoRoot, 'apps', 'cli', 'bin', 'slm-fleet.js');

interface LogLine {
  level: string;
  message: unknown;
  context?: string;
}

/** Starts the CLI and resolves with the HTTP ports of the services it logs as listening. */
function startCli(args: string[], expectedServices: number): { child: ChildProcess; ports: Promise<number[]> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  it('is built (npm ci builds it; otherwise run npm run build)', () => {
    expect(existsSync(join(repoRoot, 'apps', 'cli', 'dist', 'index.js'))).toBe(true);
  });

  it.each([
    ['operator', 1],
    ['router', 1],
    ['worker', 1],
    ['engine-sim', 1],
    ['local', 4],
  ])('%s starts, answers /healthz and /readyz, and exits 0 on SIGTERM', async (command, services) => {
    const { child, ports } = startCli([command, '--http-port', '0'], services);
    const exited = exitCode(child);
    for (const port of await ports) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [['router', '--http-port', 'eighty'], '--http-port must be a whole number from 0 to 65535, got "eighty"'],
    [['worker', '--http-port', '70000'], '--http-port must be a whole number from 0 to 65535, got "70000"'],
    [['operator', '--host', 'my host'], '--host must be an IP address or "localhost", got "my host"'],
    [['no-such-command'], "unknown command 'no-such-command'"],
  ])('rejects %j with an error naming the argument', async (args, message) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).not.toBe(0);
    expect(stderr).toContain(message);
  });
});
