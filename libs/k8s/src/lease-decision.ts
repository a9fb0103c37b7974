/**
 * The leader election decision, kept pure so it can be tested table by table; the loop in
 * leader-election.ts only reads the Lease, calls decide() and carries out the answer.
 */
export interface LeaseDurations {
  /** How long a holder's claim lasts without renewal; a standby may take over after it. */
  leaseDurationMs: number;
  /** A leader that has not renewed for this long stops leading; shorter than the lease, so it
   * stops before anyone else can acquire. */
  renewDeadlineMs: number;
  /** How often the leader renews and standbys look at the Lease. */
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_DURATIONS: LeaseDurations = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** The Lease as this candidate last saw it. */
export interface ObservedLease {
  /** Empty or absent: nobody holds it (never held, or released). */
  holderIdentity?: string;
  /** The holder's own lease duration, which overrides ours when judging expiry. */
  leaseDurationSeconds?: number;
  resourceVersion: string;
  /**
   * When, on this candidate's clock, it first saw the current resourceVersion. Expiry is
   * measured from here rather than from the Lease's renewTime, which was written with the
   * holder's clock: clocks of different nodes may disagree, the passage of time on one clock
   * does not (client-go does the same).
   */
  observedAtMs: number;
}

export type LeaseAction =
  /** No Lease object yet: create it, naming ourselves. */
  | { kind: 'create' }
  /** Take it over (an update with the observed resourceVersion, so only one candidate wins). */
  | { kind: 'acquire'; reason: 'free' | 'expired' }
  /** We hold it: renew. */
  | { kind: 'renew' }
  /** Someone else holds a live lease. */
  | { kind: 'wait'; holder: string; expiresAtMs: number };

export function decide(
  lease: ObservedLease | undefined,
  identity: string,
  nowMs: number,
  durations: LeaseDurations,
): LeaseAction {
  if (!lease) return { kind: 'create' };
  const holder = lease.holderIdentity ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (holder === '') return { kind: 'acquire', reason: 'free' };
  const durationMs = lease.leaseDurationSeconds ? lease.leaseDurationSeconds * 1000 : durations.leaseDurationMs;
  const expiresAtMs = lease.observedAtMs + durationMs;
  if (nowMs >= expiresAtMs) return { kind: 'acquire', reason: 'expired' };
  return { kind: 'wait', holder, expiresAtMs };
}

/** A leader whose last successful renewal is this old must stop acting as leader. */
export function renewDeadlinePassed(lastRenewedAtMs: number, nowMs: number, durations: LeaseDurations): boolean {
  return nowMs - lastRenewedAtMs >= durations.renewDeadlineMs;
}

/** Throws unless a leader would stop before its lease can be taken, after more than one try. */
export function checkLeaseDurations(durations: LeaseDurations): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = durations;
  if (retryPeriodMs <= 0) throw new Error('retryPeriodMs must be positive');
  if (renewDeadlineMs >= leaseDurationMs) {
    throw new Error(`renewDeadlineMs (${renewDeadlineMs}) must be less than leaseDurationMs (${leaseDurationMs})`);
  }
  if (retryPeriodMs >= renewDeadlineMs) {
    throw new Error(`retryPeriodMs (${retryPeriodMs}) must be less than renewDeadlineMs (${renewDeadlineMs})`);
  }
}
