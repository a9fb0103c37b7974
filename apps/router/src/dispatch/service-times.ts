import { RECENT_SERVICE_WINDOW, recentServiceStats } from '@slm-fleet/routing';

/** How many answers may pass before a Specialist's mean and tail are computed again. */
const RECOMPUTE_EVERY = 10;

interface Recent {
  times: number[];
  next: number;
  sinceComputed: number;
  stats: { mean: number; tail: number } | undefined;
}

/**
 * The service times each Specialist's replicas took on the last 100 calls this router saw: their
 * mean, and their 99th percentile (a waiting call's own service, for overflow). They predict a
 * call's queue wait when it arrives; before the first answer there is no prediction. The same
 * window and quantile as bench:autoscaling's overflow policy (libs/routing's recentServiceStats).
 */
export class ServiceTimes {
  private readonly recent = new Map<string, Recent>();

  observe(specialist: string, serviceMs: number): void {
    if (!(serviceMs >= 0)) return;
    let entry = this.recent.get(specialist);
    if (!entry) {
      entry = { times: [], next: 0, sinceComputed: 0, stats: undefined };
      this.recent.set(specialist, entry);
    }
    entry.times[entry.next] = serviceMs;
    entry.next = (entry.next + 1) % RECENT_SERVICE_WINDOW;
    // Sorting 100 numbers per answer is cheap, but not free at thousands of calls a second.
    if (entry.stats === undefined || ++entry.sinceComputed >= RECOMPUTE_EVERY) {
      entry.stats = recentServiceStats(entry.times);
      entry.sinceComputed = 0;
    }
  }

  /** The mean and tail (ms), or nothing before the first answer. */
  of(specialist: string): { meanServiceMs: number; serviceTailMs: number } | undefined {
    const stats = this.recent.get(specialist)?.stats;
    return stats && { meanServiceMs: stats.mean, serviceTailMs: stats.tail };
  }
}
