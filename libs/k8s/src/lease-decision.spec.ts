import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEASE_DURATIONS,
  checkLeaseDurations,
  decide,
  renewDeadlinePassed,
  type ObservedLease,
} from './lease-decision.js';

const ME = 'operator-a';
const durations = DEFAULT_LEASE_DURATIONS; // lease 15 s, renew deadline 10 s
const seenAt = 100_000;
const lease = (holderIdentity: string | undefined, extra: Partial<ObservedLease> = {}): ObservedLease => ({
  holderIdentity,
  resourceVersion: '7',
  observedAtMs: seenAt,
  ...extra,
});

describe('decide', () => {
  it.each([
    { when: 'there is no Lease', observed: undefined, now: seenAt, action: { kind: 'create' } },
    { when: 'we hold it', observed: lease(ME), now: seenAt, action: { kind: 'renew' } },
    {
      when: 'we hold it even past its expiry (our own renewals failed)',
      observed: lease(ME),
      now: seenAt + 60_000,
      action: { kind: 'renew' },
    },
    {
      when: 'nobody holds it (released)',
      observed: lease(''),
      now: seenAt,
      action: { kind: 'acquire', reason: 'free' },
    },
    {
      when: 'it was never held',
      observed: lease(undefined),
      now: seenAt,
      action: { kind: 'acquire', reason: 'free' },
    },
    {
      when: 'another holds it and it was just seen',
      observed: lease('operator-b'),
      now: seenAt,
      action: { kind: 'wait', holder: 'operator-b', expiresAtMs: seenAt + 15_000 },
    },
    {
      when: 'another holds it, one millisecond before expiry',
      observed: lease('operator-b'),
      now: seenAt + 14_999,
      action: { kind: 'wait', holder: 'operator-b', expiresAtMs: seenAt + 15_000 },
    },
    {
      when: 'another held it and it has not changed for the lease duration',
      observed: lease('operator-b'),
      now: seenAt + 15_000,
      action: { kind: 'acquire', reason: 'expired' },
    },
    {
      when: "the holder's own lease duration is longer than ours",
      observed: lease('operator-b', { leaseDurationSeconds: 60 }),
      now: seenAt + 30_000,
      action: { kind: 'wait', holder: 'operator-b', expiresAtMs: seenAt + 60_000 },
    },
    {
      when: "the holder's own lease duration is shorter than ours",
      observed: lease('operator-b', { leaseDurationSeconds: 5 }),
      now: seenAt + 5_000,
      action: { kind: 'acquire', reason: 'expired' },
    },
  ])('$when', ({ observed, now, action }) => {
    expect(decide(observed, ME, now, durations)).toEqual(action);
  });

  it('measures expiry from when this candidate saw the Lease change, not from the clock of the holder', () => {
    // A holder renewing every 2 s changes the resourceVersion; each change moves observedAtMs.
    const renewedRecently = lease('operator-b', { resourceVersion: '9', observedAtMs: seenAt + 12_000 });
    expect(decide(renewedRecently, ME, seenAt + 20_000, durations).kind).toBe('wait');
  });
});

describe('renewDeadlinePassed', () => {
  it.each([
    { sinceRenewMs: 0, passed: false },
    { sinceRenewMs: 9_999, passed: false },
    { sinceRenewMs: 10_000, passed: true },
    { sinceRenewMs: 14_000, passed: true },
  ])('$sinceRenewMs ms after the last renewal: $passed', ({ sinceRenewMs, passed }) => {
    expect(renewDeadlinePassed(seenAt, seenAt + sinceRenewMs, durations)).toBe(passed);
  });

  it('never lets a cut-off leader still act when a standby may acquire', () => {
    // The leader renewed at seenAt; the standby saw that renewal at seenAt or later.
    for (let now = seenAt; now <= seenAt + 30_000; now += 250) {
      const leaderStillActs = !renewDeadlinePassed(seenAt, now, durations);
      const standbyAcquires = decide(lease(ME), 'operator-b', now, durations).kind === 'acquire';
      expect({ now, both: leaderStillActs && standbyAcquires }).toEqual({ now, both: false });
    }
  });
});

describe('checkLeaseDurations', () => {
  it('accepts the defaults', () => {
    expect(() => checkLeaseDurations(durations)).not.toThrow();
  });

  it.each([
    { change: { renewDeadlineMs: 15_000 }, error: 'renewDeadlineMs (15000) must be less than leaseDurationMs (15000)' },
    { change: { retryPeriodMs: 10_000 }, error: 'retryPeriodMs (10000) must be less than renewDeadlineMs (10000)' },
    { change: { retryPeriodMs: 0 }, error: 'retryPeriodMs must be positive' },
  ])('rejects $change', ({ change, error }) => {
    expect(() => checkLeaseDurations({ ...durations, ...change })).toThrow(error);
  });
});
