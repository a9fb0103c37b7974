// How many replicas the load needs right now, before bounds, windows and idle timers.
// Every rule sizes from the load alone, never from the current count, so a backlog that
// keeps growing while pods start does not compound into ever larger steps.
import type { ScalingPolicySpec, SpecialistSignals } from './types.js';

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

/**
 * The largest of what the backlog, the arrival rate and the latency target each need.
 * Call only with `waiting` and `active` known.
 */
export function sizeForLoad(settings: Settings, signals: SpecialistSignals, waiting: number, active: number): Sizing {
  const backlog = waiting + active;
  const { perReplica, concurrency, utilisation, targetSeconds } = settings;
  const rate = signals.arrivalRate;
  const service = signals.serviceTimeSeconds;

  const byBacklog = ceil(backlog / perReplica);
  const sizings: Sizing[] = [
    {
      replicas: byBacklog,
      reason:
        backlog > 0
          ? `backlog ${show(backlog)} calls / ${show(perReplica)} per replica -> ${byBacklog}`
          : 'no calls waiting or running -> 0',
    },
  ];

  // Little's law: calls in service = rate x service time, spread over replicas at the
  // target utilisation so queues stay short between samples. Skipped without both inputs.
  if (known(rate) && known(service) && rate * service > 0) {
    const replicas = ceil((rate * service) / (concurrency * utilisation));
    sizings.push({
      replicas,
      reason: `arrivals ${show(rate)}/s x ${show(service)} s / (${show(concurrency)} x ${show(utilisation)}) -> ${replicas}`,
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
    } else if (known(service) && service > 0) {
      // The last call in line finishes after about backlog x service / (replicas x
      // concurrency) seconds: size so that is within the target.
      const replicas = Math.min(slotPerCall, ceil((backlog * service) / (concurrency * targetSeconds)));
      sizings.push({
        replicas,
        reason: `drain ${show(backlog)} calls x ${show(service)} s within ${show(targetSeconds)} s target -> ${replicas}`,
      });
    }
  }

  // The first of the largest: on a tie the backlog's reason, the plainest one, is kept.
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
