// One autoscaling decision for one Specialist: pure, time comes in as `now` (epoch ms).
//
// Rules, in order:
// 1. Queue signals missing (waiting or active unknown): hold the current count, clamped to
//    [min, max]. Unknown load counts as busy for the idle clock, so missing data never
//    leads to zero, not even right after the data comes back.
// 2. Otherwise size from the load (sizing.ts): the arrival stream from a smoothed load (kept in
//    the state), against the latency target by M/M/c queueing, else at 80% utilisation with a
//    10% tolerance; the queue by the queue target, or, with a latency target and measured
//    arrivals, by how fast the waiting calls must drain; a missed target asks a slot per
//    call. The largest wins, clamped to [min, max].
// 3. Nothing waited, ran or arrived for scaleToZeroAfterSeconds and min is 0: zero, at once
//    (the idle period is itself the delay). Idle for less: keep at least one replica.
// 4. Up (or level) takes effect at once: 0 -> 8 in one decision, a call at zero gets >= 1.
// 5. Down only to the highest recommendation of the last scaleDownDelaySeconds, so a
//    load that flaps between high and low holds the high count instead of flapping.
import { windowOf } from './policy-state.js';
import { known, settingsOf, show, sizeForLoad, smoothLoad, type Settings } from './sizing.js';
import type { PolicyState, ScalingDecision, ScalingPolicySpec, SpecialistSignals } from './types.js';

export function decideReplicas(
  spec: ScalingPolicySpec,
  signals: SpecialistSignals,
  state: PolicyState,
  now: number,
): ScalingDecision {
  const settings = settingsOf(spec);
  const current = Number.isFinite(signals.currentReplicas) ? Math.max(0, Math.floor(signals.currentReplicas)) : 0;
  const window = windowOf(state, now, settings.delayMs, current);
  const { waiting, active } = signals;

  if (!known(waiting) || !known(active)) {
    const replicas = clamp(current, settings);
    const bound =
      replicas === current ? '' : replicas === settings.min ? ` (min ${settings.min})` : ` (max ${settings.max})`;
    return decision(replicas, `holding ${replicas}${bound}: queue signals missing`, window, now, replicas, {
      lastBusyAt: now,
      load: state.load,
    });
  }

  const busy = waiting + active > 0 || (known(signals.arrivalRate) && signals.arrivalRate > 0);
  const lastBusyAt = busy ? now : (state.lastBusyAt ?? now);
  // A sample without arrivals or service time keeps the last average for the next one.
  const load = smoothLoad(state.load, signals, now);
  const memory = { lastBusyAt, load: load ?? state.load };
  const sizing = sizeForLoad(settings, signals, waiting, active, load);
  let recommended = clamp(sizing.replicas, settings);
  let reason = sizing.reason + boundNote(sizing.replicas, recommended, settings);

  if (recommended === 0) {
    const idleMs = now - lastBusyAt;
    if (idleMs >= settings.zeroAfterMs) {
      const words = current > 0 ? `scale to zero after ${show(idleMs / 1000)} s idle` : 'idle: staying at zero';
      return decision(0, words, window, now, 0, memory);
    }
    if (current > 0) {
      recommended = 1;
      reason = `idle ${show(idleMs / 1000)} s of ${show(settings.zeroAfterMs / 1000)} s before zero: keeping 1`;
    }
  }

  if (recommended >= current) return decision(recommended, reason, window, now, recommended, memory);

  // Down: no lower than anything recommended within the window (this decision included).
  const highest = Math.max(recommended, ...window.map((entry) => entry.replicas));
  const held = Math.min(current, highest);
  if (held > settings.max) {
    return decision(settings.max, `lowering to max ${settings.max}`, window, now, recommended, memory);
  }
  if (held === recommended) return decision(recommended, reason, window, now, recommended, memory);
  const delay = show(settings.delayMs / 1000);
  const words =
    held === current
      ? `scale-down delayed: highest in last ${delay} s is ${highest}`
      : `scaling down to ${held}, the highest in last ${delay} s`;
  return decision(held, words, window, now, recommended, memory);
}

function clamp(replicas: number, settings: Settings): number {
  return Math.min(settings.max, Math.max(settings.min, replicas));
}

function boundNote(wanted: number, clamped: number, settings: Settings): string {
  if (clamped === wanted) return '';
  return clamped === settings.max ? `, max ${settings.max}` : `, min ${settings.min}`;
}

/** The decision, with this decision's recommendation appended to the window as the new state. */
function decision(
  replicas: number,
  reason: string,
  window: PolicyState['recommendations'],
  now: number,
  recommended: number,
  memory: Omit<PolicyState, 'recommendations'>,
): ScalingDecision {
  const recommendations = [...window, { at: now, replicas: recommended }];
  return { replicas, reason, state: { recommendations, ...memory } };
}
