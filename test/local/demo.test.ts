// The README's main job: `./scripts/start` runs `slm-fleet local` with its demo (after `npm ci`,
// which a test cannot redo). Run as it runs, with examples/local/ and no REDIS_URL, its stdout
// piped: the live view prints a table every 10 s. A newcomer must see calls served, replicas
// scaling up, and everything stopping on Ctrl-C.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, slmFleetBin } from '@slm-fleet/testing';

interface Row {
  task: string;
  callsPerSecond: number;
  p50: string;
  ready: number;
  asked: number;
}

/** The rows of the live view's tables, oldest first. */
function rowsIn(output: string): Row[] {
  const row = /^(\S+)\s+([\d.]+)\s+(\d+|-)\s+(\d+|-)\s+\d+\s+\S+\s+(?:\d+|\?)\s+(\d+)\/(\d+)\s*$/gm;
  return [...output.matchAll(row)].map((m) => ({
    task: m[1] ?? '',
    callsPerSecond: Number(m[2]),
    p50: m[3] ?? '-',
    ready: Number(m[5]),
    asked: Number(m[6]),
  }));
}

describe('slm-fleet local with its demo (what ./scripts/start runs)', () => {
  const env = { ...process.env };
  delete env['REDIS_URL'];
  const child = spawn(process.execPath, [slmFleetBin, 'local', '--grpc-port', '0', '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('serves the demo calls and scales a Specialist up, as the live view shows', async () => {
    await eventually(
      async () => {
        const served = rowsIn(output).filter((r) => r.callsPerSecond > 0 && r.p50 !== '-');
        expect(served.map((r) => r.task)).toContain('extract-invoice');
        // A scaling decision, as printed under the table, and replicas that came up for it.
        const ups = [...output.matchAll(/local\/(\S+) (\d+) -> (\d+): /g)].filter((m) => Number(m[3]) > Number(m[2]));
        expect(ups.length, output.slice(-2000)).toBeGreaterThan(0);
        expect(Math.max(...rowsIn(output).map((r) => r.ready))).toBeGreaterThan(1);
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
  });

  it('stops everything on Ctrl-C and exits 0', async () => {
    child.kill('SIGINT');
    expect(await exited, output.slice(-2000)).toBe(0);
  });
});
