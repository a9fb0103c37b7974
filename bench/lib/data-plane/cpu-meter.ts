// CPU used by each process of a step, as a share of one core: on a 2-core machine shared by
// the load generator, the data plane and Redis, this says who is the bottleneck. Also the
// machine's CPU pressure (PSI "some": share of the time some runnable task waited for a CPU),
// which says when other work on the machine was competing with the step.
import { readFileSync } from 'node:fs';
import { cpuOf } from '../proc.js';

export type CpuShares = Record<string, number>;

/** Microseconds some task waited for a CPU since boot, or undefined without PSI. */
function cpuStallMicros(): number | undefined {
  try {
    const match = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts measuring `pids` (name -> pid); the returned function gives percent of one core each, and `cpu pressure`. */
export function cpuMeter(pids: Record<string, number>): () => CpuShares {
  const before = cpuOf(pids);
  const stallBefore = cpuStallMicros();
  const start = performance.now();
  return () => {
    const after = cpuOf(pids);
    const stallAfter = cpuStallMicros();
    const seconds = (performance.now() - start) / 1000;
    const shares: CpuShares = {};
    for (const [name, cpu] of Object.entries(after)) {
      shares[name] = Math.round((100 * (cpu - (before[name] ?? 0))) / seconds);
    }
    if (stallBefore !== undefined && stallAfter !== undefined) {
      shares['cpu pressure'] = Math.round((stallAfter - stallBefore) / (seconds * 1e4));
    }
    return shares;
  };
}
