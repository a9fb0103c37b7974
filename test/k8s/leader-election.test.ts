// Two leader electors on one Lease in the suite namespace: one leads; a crashed leader is
// replaced once its lease expires; a leader cut off from the API server steps down by itself
// before the standby takes over; a leader that stops gracefully hands over at once.
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector, type LeaseDurations } from '@slm-fleet/k8s';
import { eventually, useSuiteEnv } from '@slm-fleet/testing';
import { CapturingLogger, CuttableProxy, apiServerAddress } from './helpers.js';

/** Short durations keep the expiry tests quick; the logic is the same at 15 s. */
const FAST: LeaseDurations = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 250 };
/** For tests that wait on no expiry: a loaded test machine cannot make the leader miss a deadline. */
const STEADY: LeaseDurations = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 250 };

describe('LeaderElector', () => {
  const env = useSuiteEnv('k8s-leader');
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Candidates on one Lease; tracks who leads, and the most that ever led at once. */
  function election(leaseName: string, durations: LeaseDurations) {
    const leading = new Set<string>();
    let mostAtOnce = 0;
    const candidate = (identity: string, kubeConfig: KubeConfig = env().kubeConfig): LeaderElector => {
      const elector = new LeaderElector({
        kubeConfig,
        namespace: env().namespace,
        leaseName,
        identity,
        durations,
        logger: new CapturingLogger(),
        onStartedLeading: () => {
          leading.add(identity);
          mostAtOnce = Math.max(mostAtOnce, leading.size);
        },
        onStoppedLeading: () => {
          leading.delete(identity);
        },
      });
      cleanups.push(() => elector.stop());
      return elector;
    };
    const soleLeader = (): Promise<string> =>
      eventually(async () => {
        expect(leading.size).toBe(1);
        return [...leading][0]!;
      });
    const readLease = () =>
      env()
        .kubeConfig.makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: leaseName, namespace: env().namespace });
    return { candidate, leading, soleLeader, readLease, mostAtOnce: () => mostAtOnce };
  }

  /** Two candidates started together; resolves to the one that won and the other. */
  async function leaderAndStandby(leaseName: string, durations: LeaseDurations) {
    const race = election(leaseName, durations);
    const a = race.candidate('candidate-a');
    const b = race.candidate('candidate-b');
    a.start();
    b.start();
    const leaderIdentity = await race.soleLeader();
    const [leader, standby] = leaderIdentity === a.identity ? [a, b] : [b, a];
    return { ...race, leader, standby };
  }

  it('elects exactly one of two candidates, names it in the Lease, and keeps renewing', async () => {
    const { leader, leading, readLease, mostAtOnce } = await leaderAndStandby('one-leader', STEADY);
    expect(leader.isLeader()).toBe(true);

    const first = await readLease();
    expect(first.spec?.holderIdentity).toBe(leader.identity);
    // Renewals change the Lease; across several of them the leader stays the only one.
    await eventually(async () => {
      const later = await readLease();
      expect(later.spec?.renewTime).not.toEqual(first.spec?.renewTime);
      expect(Number(later.metadata?.resourceVersion)).toBeGreaterThan(Number(first.metadata?.resourceVersion) + 2);
    });
    expect([...leading]).toEqual([leader.identity]);
    expect((await readLease()).spec?.holderIdentity).toBe(leader.identity);
    expect(mostAtOnce()).toBe(1);
  });

  it('lets the standby take over once a crashed leader lease expires', async () => {
    const { leader, standby, leading, readLease, mostAtOnce } = await leaderAndStandby('crash', FAST);

    await leader.stop({ release: false }); // gone without a word, as after a crash
    expect((await readLease()).spec?.holderIdentity).toBe(leader.identity);

    await eventually(async () => expect([...leading]).toEqual([standby.identity]));
    const lease = await readLease();
    expect(lease.spec?.holderIdentity).toBe(standby.identity);
    expect(lease.spec?.leaseTransitions).toBe(1);
    expect(mostAtOnce()).toBe(1);
  });

  it('steps a leader that cannot renew down by itself, before the standby takes over', async () => {
    const proxy = await CuttableProxy.start(apiServerAddress(env().kubeConfig));
    cleanups.push(() => proxy.close());
    const { candidate, leading, soleLeader, readLease, mostAtOnce } = election('cut-off', FAST);
    const cutOff = candidate('cut-off-leader', proxy.kubeConfigThrough(env().kubeConfig));
    const standby = candidate('standby');
    cutOff.start();
    expect(await soleLeader()).toBe(cutOff.identity);
    standby.start();

    await proxy.cut(); // the leader's renewals now fail; it still runs
    await eventually(async () => expect([...leading]).toEqual([standby.identity]));
    expect(cutOff.isLeader()).toBe(false);
    expect((await readLease()).spec?.holderIdentity).toBe(standby.identity);
    // The cut-off leader stopped leading before the standby started: never two at once.
    expect(mostAtOnce()).toBe(1);
  });

  it('hands over at once when the leader stops gracefully (well before the lease would expire)', async () => {
    // A 60 s lease: the standby can only lead within the 20 s bound below if the Lease was released.
    const slowExpiry: LeaseDurations = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 250 };
    const { leader, standby, leading, readLease, mostAtOnce } = await leaderAndStandby('graceful', slowExpiry);

    await leader.stop();
    expect(leader.isLeader()).toBe(false);

    await eventually(async () => expect([...leading]).toEqual([standby.identity]), { timeoutMs: 20_000 });
    expect((await readLease()).spec?.holderIdentity).toBe(standby.identity);
    expect(mostAtOnce()).toBe(1);
  });
});
