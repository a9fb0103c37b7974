// The client's side of what a call costs in Redis: the writes each router and worker made to
// Redis (their round trips), from the count-redis preload (bench/lib/count-redis.ts). A
// reading signals the processes (SIGUSR2) and waits for each to write its file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from '../run.js';

export interface RedisWrites {
  writes: number;
  bytes: number;
}

const READ_TIMEOUT_MS = 2000;

/** The preload's environment: where the counts go, and which port is Redis. */
export const countRedisEnv = (dir: string, redisPort: number): Record<string, string> => ({
  SLM_FLEET_BENCH_REDIS_COUNTS_DIR: dir,
  SLM_FLEET_BENCH_REDIS_PORT: String(redisPort),
});

export const countRedisNodeArgs = (): string[] => ['--import', new URL('../count-redis.js', import.meta.url).href];

async function readOne(dir: string, pid: number): Promise<RedisWrites | undefined> {
  const asked = Date.now();
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined; // gone
  }
  for (const deadline = asked + READ_TIMEOUT_MS; Date.now() < deadline; await sleep(5)) {
    try {
      const counts = JSON.parse(await readFile(join(dir, `${pid}.json`), 'utf8')) as RedisWrites & { at: number };
      if (counts.at >= asked) return { writes: counts.writes, bytes: counts.bytes };
    } catch {
      // not written yet
    }
  }
  return undefined;
}

/** name -> the process's writes to Redis so far; a process that did not answer is left out. */
export async function readRedisWrites(dir: string, pids: Record<string, number>): Promise<Record<string, RedisWrites>> {
  const out: Record<string, RedisWrites> = {};
  await Promise.all(
    Object.entries(pids).map(async ([name, pid]) => {
      const counts = await readOne(dir, pid);
      if (counts) out[name] = counts;
    }),
  );
  return out;
}

/**
 * Round trips per answered call by role (worker-1 and worker-2 are both "worker": a call
 * visits one of them); null for a role whose count was not read both times.
 */
export function roundTripsPerCall(
  before: Record<string, RedisWrites>,
  after: Record<string, RedisWrites>,
  names: string[],
  calls: number,
): Record<string, number | null> {
  const byRole: Record<string, number | null> = {};
  for (const name of names) {
    const role = name.replace(/-\d+$/, '');
    const [b, a] = [before[name], after[name]];
    if (!a || !b || byRole[role] === null) byRole[role] = null;
    else byRole[role] = (byRole[role] ?? 0) + (a.writes - b.writes);
  }
  for (const [role, writes] of Object.entries(byRole))
    if (writes !== null) byRole[role] = Math.round((100 * writes) / Math.max(calls, 1)) / 100;
  return byRole;
}
