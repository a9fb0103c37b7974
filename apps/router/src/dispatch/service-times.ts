import { RECENT_SERVICE_WINDOW, recentServiceStats } from '@slm-fleet/routing';
import { RecentWindow } from './recent-window.js';

/**
 * The service times each Specialist's replicas took on the last 100 calls this router saw: their
 * mean, and their 99th percentile (a waiting call's own service, for overflow). They predict a
 * call's queue wait when it arrives; before the first answer there is no prediction. The same
 * window and quantile as bench:autoscaling's overflow policy (libs/routing's recentServiceStats).
 */
export class ServiceTimes {
  private readonly recent = new Map<string, RecentWindow<number, { mean: number; tail: number }>>();

  observe(specialist: string, serviceMs: number): void {
    if (!(serviceMs >= 0)) return;
    let window = this.recent.get(specialist);
    if (!window) {
      window = new RecentWindow(RECENT_SERVICE_WINDOW, (times) => recentServiceStats(times));
      this.recent.set(specialist, window);
    }
    window.add(serviceMs);
  }

  /** The mean and tail (ms), or nothing before the first answer. */
  of(specialist: string): { meanServiceMs: number; serviceTailMs: number } | undefined {
    const stats = this.recent.get(specialist)?.stats;
    return stats && { meanServiceMs: stats.mean, serviceTailMs: stats.tail };
  }
}
