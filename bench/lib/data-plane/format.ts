// How figures read in the report: three significant figures (whole numbers from 100 up), and
// a step's costs per answered call as one line: CPU by process role (worker-1 and worker-2
// summed), Redis commands, round trips to Redis, and the workers' idle gap. The JSON keeps
// every figure unrounded.
import type { StepCosts } from './step-costs.js';

/** 2455.782 -> 2456, 13.634 -> 13.6, 0.1463 -> 0.146. */
export const fig = (n: number | null | undefined): string =>
  n === null || n === undefined || Number.isNaN(n)
    ? 'n/a'
    : String(Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3)));

function cpuByRole(cpuMsPerCall: Record<string, number>): [string, number][] {
  const roles = new Map<string, number>();
  for (const [name, ms] of Object.entries(cpuMsPerCall)) {
    if (name === 'total') continue;
    const role = name.replace(/-\d+$/, '');
    roles.set(role, (roles.get(role) ?? 0) + ms);
  }
  return [...roles.entries()].sort((a, b) => b[1] - a[1]);
}

export function formatIdleGap(gap: StepCosts['idleGap']): string {
  if (gap === undefined) return '';
  if (gap === null) return 'idle gap n/a';
  if (gap.count === 0) return 'idle gap: none';
  return `idle gap mean ${fig(gap.meanMs)} / p50 ${fig(gap.p50Ms)} / p99 ${fig(gap.p99Ms)} ms (${gap.count} gap${gap.count === 1 ? '' : 's'})`;
}

/** `full`: CPU per process and the busiest commands too; otherwise totals only. */
export function formatCosts(costs: StepCosts, full = true): string {
  const parts: string[] = [];
  const roles = cpuByRole(costs.cpuMsPerCall)
    .map(([role, ms]) => `${role} ${fig(ms)}`)
    .join(', ');
  parts.push(`CPU ${fig(costs.cpuMsPerCall['total'])} ms${full ? ` (${roles})` : ''}`);
  if (costs.redis === null) parts.push('Redis commands n/a');
  else if (costs.redis) {
    const top = Object.entries(costs.redis.byCommand)
      .map(([name, n]) => `${name} ${fig(n)}`)
      .join(', ');
    parts.push(`Redis ${fig(costs.redis.total)} commands${full ? ` (${top})` : ''}`);
  }
  if (costs.roundTripsPerCall) {
    const trips = Object.entries(costs.roundTripsPerCall).map(([role, n]) => `${role} ${fig(n)}`);
    parts.push(`round trips ${trips.join(', ')}`);
  }
  const gap = formatIdleGap(costs.idleGap);
  if (gap) parts.push(gap);
  if (full && costs.cpuPercent['burner'] !== undefined)
    parts.push(`burner held ${costs.cpuPercent['burner']}% of a core`);
  return parts.join('; ');
}
