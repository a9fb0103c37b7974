import type { LoggerService } from '@nestjs/common';
import type { Specialist } from '@slm-fleet/api';
import { describe, expect, it } from 'vitest';
import { LocalFleet, type StartReplica } from './local-fleet.js';
import type { Probe, ReplicaHandle } from './replica.js';

/** A replica without processes: its probe answers what the test says; it exits when told. */
class FakeReplica implements ReplicaHandle {
  exited = false;
  stopped = false;
  answer: Probe = 'unready';
  private exit: () => void = () => undefined;
  readonly whenExited = new Promise<void>((resolve) => (this.exit = resolve));

  constructor(readonly name: string) {}

  probe = async (): Promise<Probe> => (this.exited ? 'unknown' : this.answer);
  stop = async (): Promise<void> => {
    this.stopped = true;
    this.die();
  };
  die(): void {
    this.exited = true;
    this.exit();
  }
  describeExit = () => 'fake';
  logFields = () => ({});
}

const KEY = 'local/spec';
const specialist = { metadata: { name: 'spec', namespace: 'local' }, spec: {} } as unknown as Specialist;
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A fleet of one Specialist whose starts the test completes or fails by hand. */
function fleetWithFakes() {
  const starts: { name: string; succeed: () => FakeReplica; fail: (error: Error) => void }[] = [];
  const startReplica: StartReplica = (_specialist, name) =>
    new Promise((resolve, reject) =>
      starts.push({
        name,
        succeed: () => {
          const replica = new FakeReplica(name);
          resolve(replica);
          return replica;
        },
        fail: reject,
      }),
    );
  const logs: Record<string, unknown>[] = [];
  const record = (message: unknown) => logs.push(message as Record<string, unknown>);
  const logger: LoggerService = { log: record, warn: record, error: record };
  const clock = { now: 0 };
  let changes = 0;
  const fleet = new LocalFleet([specialist], {
    runId: 'r1d',
    startReplica,
    logger,
    onChange: () => changes++,
    now: () => clock.now,
  });
  /** Completes the pending starts; their replicas answer `answer`; then one probing pass. */
  const startAll = async (answer: Probe = 'ready') => {
    const replicas = starts.splice(0).map((s) => s.succeed());
    for (const replica of replicas) replica.answer = answer;
    await settle();
    await fleet.refresh();
    return replicas;
  };
  return { fleet, starts, startAll, logs, clock, changes: () => changes };
}

describe('LocalFleet', () => {
  it('serves an ask that lands while a replica starts: the latest ask wins', async () => {
    const { fleet, starts, startAll } = fleetWithFakes();
    fleet.setReplicas(KEY, 1);
    expect(starts.map((s) => s.name)).toEqual(['spec-r1d-0']);
    fleet.setReplicas(KEY, 4); // while spec-r1d-0 starts
    expect(starts.map((s) => s.name)).toEqual(['spec-r1d-0', 'spec-r1d-1', 'spec-r1d-2', 'spec-r1d-3']);
    await startAll();
    expect(fleet.countsOf(KEY)).toEqual({ asked: 4, ready: 4 });
  });

  it('stops the surplus once started when the ask goes down during the starts', async () => {
    const { fleet, starts, startAll } = fleetWithFakes();
    fleet.setReplicas(KEY, 3);
    fleet.setReplicas(KEY, 1);
    expect(starts).toHaveLength(3); // a start under way cannot be called back
    const replicas = await startAll();
    expect(replicas.filter((r) => r.stopped)).toHaveLength(2);
    expect(fleet.countsOf(KEY)).toEqual({ asked: 1, ready: 1 });
  });

  it('replaces a replica whose process exited, under a new name', async () => {
    const { fleet, starts, startAll, logs } = fleetWithFakes();
    fleet.setReplicas(KEY, 2);
    const [first] = await startAll();
    first!.die();
    await settle();
    expect(fleet.countsOf(KEY)).toEqual({ asked: 2, ready: 1 });
    expect(starts.map((s) => s.name)).toEqual(['spec-r1d-2']);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'replica exited; replacing it', replica: 'spec-r1d-0' }),
    );
    await startAll();
    expect(fleet.countsOf(KEY)).toEqual({ asked: 2, ready: 2 });
  });

  it('replaces a replica drained by someone else (its /readyz says draining)', async () => {
    const { fleet, starts, startAll, logs } = fleetWithFakes();
    fleet.setReplicas(KEY, 2);
    const [drained] = await startAll();
    drained!.answer = 'draining';
    await fleet.refresh();
    expect(drained!.stopped).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'stopping replica', reason: 'drained: replacing it' }));
    expect(starts.map((s) => s.name)).toEqual(['spec-r1d-2']);
    await startAll();
    expect(fleet.countsOf(KEY)).toEqual({ asked: 2, ready: 2 });
  });

  it('on a scale-down drops the dead replica and keeps the live ones', async () => {
    const { fleet, starts, startAll } = fleetWithFakes();
    fleet.setReplicas(KEY, 3);
    const replicas = await startAll();
    replicas[1]!.die();
    fleet.setReplicas(KEY, 2);
    await settle();
    expect(starts).toHaveLength(0);
    expect([replicas[0]!.stopped, replicas[2]!.stopped]).toEqual([false, false]);
    expect(fleet.countsOf(KEY)).toEqual({ asked: 2, ready: 2 });
  });

  it('on a scale-down stops an unready replica before a ready one', async () => {
    const { fleet, startAll } = fleetWithFakes();
    fleet.setReplicas(KEY, 3);
    const replicas = await startAll();
    replicas[0]!.answer = 'unready';
    await fleet.refresh();
    fleet.setReplicas(KEY, 2);
    expect(replicas.map((r) => r.stopped)).toEqual([true, false, false]);
  });

  it('keeps a ready replica whose probe goes unanswered twice; the third time it is unready', async () => {
    const { fleet, startAll } = fleetWithFakes();
    fleet.setReplicas(KEY, 1);
    const [replica] = await startAll();
    replica!.answer = 'unknown';
    await fleet.refresh();
    await fleet.refresh();
    expect(fleet.countsOf(KEY).ready).toBe(1);
    await fleet.refresh();
    expect(fleet.countsOf(KEY).ready).toBe(0);
  });

  it('retries a failing start with a growing backoff, and logs each failure', async () => {
    const { fleet, starts, logs, clock } = fleetWithFakes();
    fleet.setReplicas(KEY, 1);
    starts.shift()!.fail(new Error('engine would not start'));
    await settle();
    expect(starts).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'replica failed to start; retrying', retryInMs: 1000, failures: 1 }),
    );
    clock.now = 999;
    await fleet.refresh();
    expect(starts).toHaveLength(0);
    clock.now = 1000;
    await fleet.refresh();
    expect(starts).toHaveLength(1);
    starts.shift()!.fail(new Error('engine would not start'));
    await settle();
    expect(logs).toContainEqual(expect.objectContaining({ retryInMs: 2000, failures: 2 }));
    clock.now = 2999;
    await fleet.refresh();
    expect(starts).toHaveLength(0);
    clock.now = 3000;
    await fleet.refresh();
    expect(starts).toHaveLength(1);
  });

  it('counts a replica that exits before it was ever ready as a failed start', async () => {
    const { fleet, starts, startAll, logs } = fleetWithFakes();
    fleet.setReplicas(KEY, 1);
    const [replica] = await startAll('unready');
    replica!.die();
    await settle();
    expect(starts).toHaveLength(0); // backing off
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'replica failed to start; retrying', failures: 1 }));
  });

  it('tells the routing table when the ready replicas change, and logs the counts', async () => {
    const { fleet, startAll, logs, changes } = fleetWithFakes();
    fleet.setReplicas(KEY, 2);
    await startAll();
    expect(changes()).toBeGreaterThan(0);
    expect(logs.filter((l) => l['msg'] === 'replicas').at(-1)).toMatchObject({ specialist: KEY, ready: 2, asked: 2 });
  });

  it('stop waits for the starts under way and stops their replicas', async () => {
    const { fleet, starts } = fleetWithFakes();
    fleet.setReplicas(KEY, 1);
    const stopped = fleet.stop();
    const replica = starts.shift()!.succeed();
    await stopped;
    expect(replica.stopped).toBe(true);
    fleet.setReplicas(KEY, 2); // asks after the stop start nothing
    expect(starts).toHaveLength(0);
  });
});
