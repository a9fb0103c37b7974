// Redis's own count of the commands it ran (INFO commandstats), read before and after a step:
// the server's side of what a call costs. Redis counts the commands a Lua script runs as well
// as the EVALSHA that ran it, so a BullMQ call shows more commands than round trips.
import { Redis } from 'ioredis';

export type CommandCounts = Record<string, number>;

export interface RedisPerCall {
  /** Commands per answered call, all names. */
  total: number;
  /** Commands per answered call by name, the busiest first (the rest left out). */
  byCommand: Record<string, number>;
}

const TOP = 6;
const r2 = (n: number): number => Math.round(n * 100) / 100;

export class RedisCommands {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, connectionName: 'bench-commandstats' });
    this.redis.on('error', () => undefined); // a failed read gives no figure; ioredis need not log it
  }

  /** Calls per command name since Redis started, or undefined when Redis cannot be read. */
  async counts(): Promise<CommandCounts | undefined> {
    try {
      const text = await this.redis.info('commandstats');
      const counts: CommandCounts = {};
      for (const [, name, calls] of text.matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) counts[name!] = Number(calls);
      return counts;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** Commands between two readings per answered call; the INFO of the first reading is not the step's. */
export function commandsPerCall(before: CommandCounts, after: CommandCounts, calls: number): RedisPerCall {
  const diff = Object.entries(after)
    .map(([name, n]) => [name, n - (before[name] ?? 0) - (name === 'info' ? 1 : 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const per = Math.max(calls, 1);
  return {
    total: r2(diff.reduce((sum, [, n]) => sum + n, 0) / per),
    byCommand: Object.fromEntries(diff.slice(0, TOP).map(([name, n]) => [name, r2(n / per)])),
  };
}
