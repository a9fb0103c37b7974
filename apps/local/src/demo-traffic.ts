import type { DemoTraffic } from './demo-workload.js';

/**
 * The demo's traffic over the tasks local mode serves, highest priority first: the first
 * task runs steadily with a hard burst now and then (replicas jump, then come back after
 * the scale-down delay); the second comes only in bursts (its Specialist may scale from and
 * to zero); the rest stay steady.
 */
export function demoTrafficFor(tasks: readonly { name: string; priority: number }[]): DemoTraffic[] {
  const ordered = [...tasks].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  return ordered.map(({ name }, index) => ({
    task: name,
    prompt: `A demo call of ${name}: Invoice INV-${100 + index}, 120.50 EUR, due 2026-12-01.`,
    baseRatePerSecond: index === 0 ? 2 : index === 1 ? 0 : 1,
    // The first bursts come early, so a newcomer sees replicas added within half a minute.
    ...(index === 0 ? { burst: { ratePerSecond: 14, seconds: 20, everySeconds: 90, firstAtSeconds: 15 } } : {}),
    ...(index === 1 ? { burst: { ratePerSecond: 8, seconds: 15, everySeconds: 60, firstAtSeconds: 30 } } : {}),
  }));
}
