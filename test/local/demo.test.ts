// The README's main job: `./scripts/start` runs `slm-fleet local` with its demo (after `npm ci`,
// which a test cannot redo). Run as it runs, with examples/local/ and no REDIS_URL, its stdout
// piped: the live view prints a table every 10 s. A newcomer must see calls served, replicas
// scaling up, the large model answering some with the reason, and everything stopping on Ctrl-C.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, slmFleetBin } from '@slm-fleet/testing';

interface Row {
  task: string;
  callsPerSecond: number;
  p50: string;
  ready: number;
  asked: number;
  /** The large model's share of the answers, in percent; undefined before any answer. */
  largeModelPercent: number | undefined;
  /** The fallback reasons with their counts, e.g. "overflow 9, no_ready_replica 2", or "-". */
  why: string;
}

/** The rows of the live view's tables, oldest first. */
function rowsIn(output: string): Row[] {
  const row = /^(\S+)\s+([\d.]+)\s+(\d+|-)\s+(\d+|-)\s+\d+\s+\S+\s+(?:\d+|\?)\s+(\d+)\/(\d+)\s+(\d+%|-)\s+(.+?)\s*$/gm;
  return [...output.matchAll(row)].map((m) => ({
    task: m[1] ?? '',
    callsPerSecond: Number(m[2]),
    p50: m[3] ?? '-',
    ready: Number(m[5]),
    asked: Number(m[6]),
    largeModelPercent: m[7] === '-' ? undefined : parseInt(m[7] ?? '', 10),
    why: m[8] ?? '-',
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

  it('shows the large model answering a share of a task, with the reason', async () => {
    // Bursts overflow extract-invoice's replicas, and classify-ticket's start from zero: the
    // large model (a simulator) answers meanwhile, its answers naming the trigger.
    await eventually(
      async () => {
        const fallbacks = rowsIn(output).filter((r) => (r.largeModelPercent ?? 0) > 0);
        expect(fallbacks.length, output.slice(-2000)).toBeGreaterThan(0);
        for (const row of fallbacks) {
          expect(row.why).toMatch(/^(no_ready_replica|overflow|queue_delay|invalid_output|specialist_error) \d+/);
        }
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(output).toMatch(
      /large model \(the fallback of the tasks\):\n {2}large-model: simulator \(large-model profile\), queue (\d+|\?), workers 1\/1/,
    );
  });

  it('stops everything on Ctrl-C and exits 0', async () => {
    child.kill('SIGINT');
    expect(await exited, output.slice(-2000)).toBe(0);
  });
});
