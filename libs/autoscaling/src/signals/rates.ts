// From two scrapes of the router's counters to per-second rates and mean times over the interval.
import {
  ROUTER_COUNTER_FIELDS,
  emptyRouterMetrics,
  type RouterScrape,
  type RouterSpecialistMetrics,
} from './router-metrics.js';

/** One Specialist's load over an interval, from the routers' counters. */
export interface SpecialistRates {
  /** Calls put on its queue per second (SpecialistSignals.arrivalRate). */
  arrivalRate: number;
  /** Calls answered per second. */
  answeredRate: number;
  /** Mean seconds a worker spent on a call answered in the interval; undefined when none was. */
  serviceTimeSeconds: number | undefined;
  /** Mean seconds a call answered in the interval waited queued; undefined when none was. */
  queueWaitSeconds: number | undefined;
  /** The latest queue depth a router reported, when one did. */
  waiting: number | undefined;
}

/**
 * How much each counter of ONE router grew between two of its scrapes; `waiting` is the current
 * one's. A Specialist missing from `previous` counts from zero (it appeared in the interval);
 * one missing from `current` is left out. A router that restarted in the interval (a counter
 * went down, or a Specialist it had counted vanished) counted everything current since then,
 * so its current values are the deltas, for every Specialist together: a per-field check
 * would pair a reset `_sum` with an unreset `_count`.
 */
export function counterDeltas(previous: RouterScrape, current: RouterScrape): RouterScrape {
  const reset = restarted(previous, current);
  const out: RouterScrape = new Map();
  for (const [specialist, now] of current) {
    const before = reset ? emptyRouterMetrics() : (previous.get(specialist) ?? emptyRouterMetrics());
    const delta = emptyRouterMetrics();
    for (const field of ROUTER_COUNTER_FIELDS) delta[field] = now[field] - before[field];
    if (now.waiting !== undefined) delta.waiting = now.waiting;
    out.set(specialist, delta);
  }
  return out;
}

/**
 * Rates over `seconds` from counter deltas (counterDeltas, or several routers' deltas added up
 * with sumRouterScrapes). Throws a RangeError unless seconds is a positive finite number.
 */
export function ratesOf(deltas: RouterScrape, seconds: number): Map<string, SpecialistRates> {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`rates need a positive interval in seconds, got ${seconds}`);
  }
  const out = new Map<string, SpecialistRates>();
  for (const [specialist, d] of deltas) {
    out.set(specialist, {
      arrivalRate: d.callsQueued / seconds,
      answeredRate: d.serviceCount / seconds,
      serviceTimeSeconds: d.serviceCount > 0 ? d.serviceSecondsSum / d.serviceCount : undefined,
      queueWaitSeconds: d.queueWaitCount > 0 ? d.queueWaitSecondsSum / d.queueWaitCount : undefined,
      waiting: d.waiting,
    });
  }
  return out;
}

/**
 * Rates between two scrapes of one router taken `seconds` apart: ratesOf(counterDeltas(...)).
 *
 * With several routers, take each router's deltas and add those up:
 * `ratesOf(sumRouterScrapes(routers.map((r) => counterDeltas(r.previous, r.current))), seconds)`,
 * with an empty Map as `previous` for a router first seen in the interval. Summing the
 * scrapes first and then taking rates would read one router's restart (or a router going
 * away) as a reset of all of them, and report every call the others ever counted as new.
 */
export function rates(previous: RouterScrape, current: RouterScrape, seconds: number): Map<string, SpecialistRates> {
  return ratesOf(counterDeltas(previous, current), seconds);
}

function restarted(previous: RouterScrape, current: RouterScrape): boolean {
  for (const [specialist, before] of previous) {
    const now = current.get(specialist);
    if (now === undefined) {
      if (counted(before)) return true;
    } else if (ROUTER_COUNTER_FIELDS.some((field) => now[field] < before[field])) {
      return true;
    }
  }
  return false;
}

function counted(metrics: RouterSpecialistMetrics): boolean {
  return ROUTER_COUNTER_FIELDS.some((field) => metrics[field] > 0);
}
