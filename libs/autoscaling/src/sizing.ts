// How many replicas the load needs right now, before bounds, windows and idle timers.
// Every rule sizes from the load alone, never from the current count, so a backlog that
// keeps growing while pods start does not compound into ever larger steps.
import { replicasForTarget } from './queueing.js';
import type { ScalingPolicySpec, SpecialistSignals } from './types.js';

/** Share of calls that may wait past the latency target, when sizing a stream against it. */
export const TARGET_MISS_BUDGET = 0.005;

/** Headroom on the smoothed load when sizing against a latency target: the estimate is noisy. */
export const LOAD_HEADROOM = 0.05;

/**
 * A queue whose oldest call has waited this share of the target is pressing: only then does
 * the unsmoothed arrival rate (first to rise in a burst) size the replicas. A few young
 * calls waiting are normal for a well-used fleet, and sizing them from a noisy 5 s rate kept
 * the scale-down window at the noise's peaks.
 */
export const PRESSING_SHARE = 0.25;

/** The spec with defaults filled in and nonsense (0, negative, NaN) replaced by safe values. */
export interface Settings {
  min: number;
  max: number;
  perReplica: number;
  concurrency: number;
  utilisation: number;
  delayMs: number;
  zeroAfterMs: number;
  targetSeconds: number | undefined;
}

export interface Sizing {
  replicas: number;
  reason: string;
}

const positive = (value: number | undefined, fallback: number): number =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
const count = (value: number): number => (Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/** A signal we can use: a finite number, not negative. Anything else counts as missing. */
export const known = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0;

/**
 * Round up, forgiving float noise: 3 calls/s x 0.1 s / 0.3 is 1.0000000000000002, which is
 * one replica, not two.
 */
export const ceil = (value: number): number => Math.max(0, Math.ceil(value - 1e-9));

/** Numbers in reasons: at most two decimals, no trailing zeros. */
export const show = (value: number): string => String(Number(value.toFixed(2)));

export function settingsOf(spec: ScalingPolicySpec): Settings {
  const min = count(spec.minReplicas);
  const delaySeconds = Number.isFinite(spec.scaleDownDelaySeconds) ? Math.max(0, spec.scaleDownDelaySeconds) : 0;
  const zeroAfter = spec.scaleToZeroAfterSeconds;
  const target = spec.targetLatencyMs;
  return {
    min,
    // The CRD forbids min > max; should it happen anyway, the floor wins.
    max: Math.max(min, count(spec.maxReplicas)),
    perReplica: positive(spec.targetQueuePerReplica, 1),
    concurrency: positive(spec.maxConcurrency, 1),
    utilisation: Math.min(1, positive(spec.targetUtilisation, 0.8)),
    delayMs: delaySeconds * 1000,
    zeroAfterMs: (zeroAfter !== undefined && Number.isFinite(zeroAfter) ? Math.max(0, zeroAfter) : delaySeconds) * 1000,
    targetSeconds: target !== undefined && Number.isFinite(target) && target > 0 ? target / 1000 : undefined,
  };
}

/** Time constant of the smoothed load: long against Poisson noise, short against a day's curve. */
export const LOAD_SMOOTHING_SECONDS = 60;

/**
 * A replica is added for the arrival stream only when it would run more than this share over
 * the target utilisation (the HPA's tolerance, applied to rounding): the rate and the service
 * time are estimates, and a load that sits on an exact multiple would otherwise keep one
 * replica more than it needs for as long as noise pushes it over now and then.
 */
export const RATE_TOLERANCE = 0.1;

/**
 * The offered load (calls in service = arrival rate x service time), smoothed exponentially
 * over LOAD_SMOOTHING_SECONDS. Both inputs are noisy per sample (Poisson arrivals, a mean of
 * few service times); their smoothed product is the steady-state anchor. Undefined when this
 * sample lacks either; a first sample, or one after a long gap, starts the average afresh.
 */
export function smoothLoad(
  previous: { at: number; calls: number } | undefined,
  signals: SpecialistSignals,
  now: number,
): { at: number; calls: number } | undefined {
  const { arrivalRate: rate, serviceTimeSeconds: service } = signals;
  if (!known(rate) || !known(service)) return undefined;
  const calls = rate * service;
  if (previous === undefined) return { at: now, calls };
  const elapsed = (now - previous.at) / 1000;
  if (!(elapsed >= 0) || elapsed > 10 * LOAD_SMOOTHING_SECONDS) return { at: now, calls };
  const weight = 1 - Math.exp(-elapsed / LOAD_SMOOTHING_SECONDS);
  return { at: now, calls: previous.calls + weight * (calls - previous.calls) };
}

/**
 * The largest of what the backlog, the arrival rate and the latency target each need.
 * Call only with `waiting` and `active` known; `load` is this sample's smoothed load.
 */
export function sizeForLoad(
  settings: Settings,
  signals: SpecialistSignals,
  waiting: number,
  active: number,
  load: { calls: number } | undefined,
): Sizing {
  const backlog = waiting + active;
  const { perReplica, concurrency, utilisation, targetSeconds } = settings;
  const rate = signals.arrivalRate;
  const service = signals.serviceTimeSeconds;
  const sizings: Sizing[] = [];

  // The arrival stream, from the smoothed load (calls in service); skipped without both inputs.
  // With a latency target, by queueing (M/M/c): the fewest replicas whose slots start all but
  // TARGET_MISS_BUDGET of calls within the target, so many slots run fuller than few.
  // Without one, Little's law at the target utilisation; within the tolerance no replica is
  // added.
  if (load !== undefined && known(service) && load.calls > 0) {
    if (targetSeconds !== undefined && service < targetSeconds) {
      const replicas = replicasForTarget(
        load.calls * (1 + LOAD_HEADROOM),
        concurrency,
        service,
        targetSeconds,
        TARGET_MISS_BUDGET,
      );
      sizings.push({
        replicas,
        reason: `load ${show(load.calls)} calls in service (arrivals x ${show(service)} s, smoothed): ${replicas} x ${show(concurrency)} slots start ${show((1 - TARGET_MISS_BUDGET) * 100)}% within ${show(targetSeconds)} s`,
      });
    } else {
      const exact = load.calls / (concurrency * utilisation);
      const replicas = ceil(exact / (1 + RATE_TOLERANCE));
      const tolerated = replicas < ceil(exact) ? `, within ${show(RATE_TOLERANCE * 100)}% of ${replicas}` : '';
      sizings.push({
        replicas,
        reason: `load ${show(load.calls)} calls in service (arrivals x ${show(service)} s, smoothed) / (${show(concurrency)} x ${show(utilisation)}) -> ${replicas}${tolerated}`,
      });
    }
  }

  // With a latency target and measured arrivals and service time, the queue is sized by how
  // fast it must drain, not by calls per replica: running calls are the arrival stream's (the
  // load rule above carries them), and waiting calls need extra slots only to start within
  // the target. The raw in-flight count, noisy with Poisson arrivals, no longer sets a floor.
  const draining = targetSeconds !== undefined && known(rate) && known(service) && service > 0;
  if (draining) {
    if (waiting > 0) {
      // Arrivals at full concurrency (a queue exists: the unsmoothed rate, which rises first in
      // a burst), plus slots to start the waiting calls within the target, at most one each.
      const smoothed = load === undefined ? rate : load.calls / service;
      const pressing = (signals.oldestWaitingSeconds ?? 0) > targetSeconds * PRESSING_SHARE;
      const arriving = pressing ? Math.max(rate, smoothed) : smoothed;
      const replicas = ceil(
        (arriving * service + Math.min((waiting * service) / targetSeconds, waiting)) / concurrency,
      );
      sizings.push({
        replicas,
        reason: `${show(waiting)} waiting to start within ${show(targetSeconds)} s beside arrivals ${show(arriving)}/s x ${show(service)} s, ${show(concurrency)} per replica -> ${replicas}`,
      });
    }
  } else {
    const byBacklog = ceil(backlog / perReplica);
    sizings.push({
      replicas: byBacklog,
      reason:
        backlog > 0
          ? `backlog ${show(backlog)} calls / ${show(perReplica)} per replica -> ${byBacklog}`
          : 'no calls waiting or running -> 0',
    });
  }

  if (targetSeconds !== undefined && backlog > 0) {
    // More replicas than one slot per call cannot make any call faster.
    const slotPerCall = ceil(backlog / concurrency);
    const late = lateness(signals, targetSeconds);
    if (late !== undefined && waiting > 0) {
      // The target is already missed and calls still queue: stop letting them queue.
      sizings.push({
        replicas: slotPerCall,
        reason: `${late} over ${show(targetSeconds)} s target: a slot per call, ${show(backlog)} / ${show(concurrency)} -> ${slotPerCall}`,
      });
    } else if (!draining && known(service) && service > 0) {
      // The last call in line finishes after about backlog x service / (replicas x
      // concurrency) seconds: size so that is within the target.
      const replicas = Math.min(slotPerCall, ceil((backlog * service) / (concurrency * targetSeconds)));
      sizings.push({
        replicas,
        reason: `drain ${show(backlog)} calls x ${show(service)} s within ${show(targetSeconds)} s target -> ${replicas}`,
      });
    }
  }

  if (sizings.length === 0) return { replicas: 0, reason: 'no calls waiting or running -> 0' };
  // The first of the largest: on a tie the earlier reason is kept.
  return sizings.reduce((best, sizing) => (sizing.replicas > best.replicas ? sizing : best));
}

/** Which observation says the target is missed, in words, or undefined when none does. */
function lateness(signals: SpecialistSignals, targetSeconds: number): string | undefined {
  const { latencySeconds, oldestWaitingSeconds } = signals;
  if (known(latencySeconds) && latencySeconds > targetSeconds) return `latency ${show(latencySeconds)} s`;
  if (known(oldestWaitingSeconds) && oldestWaitingSeconds > targetSeconds) {
    return `oldest call waiting ${show(oldestWaitingSeconds)} s`;
  }
  return undefined;
}
