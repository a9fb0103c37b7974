import type { LoggerService } from '@nestjs/common';
import type { Specialist } from '@slm-fleet/api';
import { planConvergence, startBackoffMs, type ReplicaState } from './convergence.js';
import { isLargeModel } from './large-model.js';
import type { ReplicaHandle } from './replica.js';

/** Starts one replica of a Specialist under the given name (Replica.start, or a fake in tests). */
export type StartReplica = (specialist: Specialist, name: string) => Promise<ReplicaHandle>;

export interface LocalFleetOptions {
  /** This run's id: in every replica's name, so a restart never reuses one. */
  runId: string;
  startReplica: StartReplica;
  logger: LoggerService;
  /** Told when the ready replicas of a Specialist change (the routing table reads them). */
  onChange: () => void;
  /** How often every replica is probed and every pool converged; 1 s. */
  intervalMs?: number;
  now?: () => number;
}

interface Member {
  name: string;
  state: ReplicaState;
  /** Undefined while it starts. */
  replica: ReplicaHandle | undefined;
  /** Probes in a row that got no answer. */
  silentProbes: number;
  everReady: boolean;
}

interface Pool {
  key: string;
  specialist: Specialist;
  /** The count asked for; the pool converges on it. */
  target: number;
  /** Oldest first. */
  members: Member[];
  nextIndex: number;
  /** Starts in a row that failed, or whose replica exited before it was ever ready. */
  failures: number;
  /** No start before this time (backoff after failures). */
  retryAt: number;
  reported: { ready: number; asked: number };
}

/** A ready worker that stops answering its probe (a loaded machine) stays ready this many times. */
const SILENT_PROBES_BEFORE_UNREADY = 3;

/**
 * Local mode's stand-in for Deployments: per Specialist, a set of replicas (worker + engine
 * processes) converging on the count asked for. Level-triggered, as the operator is: every
 * interval, and at once on every ask, start, exit and stop, it compares the replicas it has
 * (probed through their workers' /readyz) with the count asked and acts on the difference
 * (planConvergence): dead and drained replicas are replaced, and the latest ask always wins,
 * whatever is starting or stopping meanwhile. Starts and stops run in the background, side by
 * side; a replica leaving drains first, so scaling down loses no call.
 */
export class LocalFleet {
  private readonly pools = new Map<string, Pool>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  /** The probing pass under way, if any. */
  private refreshing: Promise<void> | undefined;
  /** Starts and stops under way, awaited by stop(). */
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    specialists: readonly Specialist[],
    private readonly options: LocalFleetOptions,
  ) {
    this.now = options.now ?? Date.now;
    for (const specialist of specialists) {
      const key = `${specialist.metadata.namespace}/${specialist.metadata.name}`;
      this.pools.set(key, {
        key,
        specialist,
        target: 0,
        members: [],
        nextIndex: 0,
        failures: 0,
        retryAt: 0,
        reported: { ready: 0, asked: 0 },
      });
    }
  }

  /** Probes and converges every interval from now on. */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.options.intervalMs ?? 1000);
  }

  /** The count asked for and the replicas whose worker takes calls. */
  countsOf(key: string): { asked: number; ready: number } {
    const pool = this.pools.get(key);
    return { asked: pool?.target ?? 0, ready: pool ? readyIn(pool) : 0 };
  }

  /** The Specialists with the status a cluster would show (replicas, Ready), for routing. */
  specialistsWithStatus(): Specialist[] {
    return [...this.pools.values()].map((pool) => {
      const { specialist, target } = pool;
      const ready = readyIn(pool);
      return {
        ...specialist,
        status: {
          replicas: target,
          readyReplicas: ready,
          desiredReplicas: target,
          conditions: [
            {
              type: 'Ready',
              status: ready > 0 || target === 0 ? 'True' : 'False',
              // An openai Specialist's worker is ready once the endpoint answered its GET /models with the key.
              reason: ready > 0 ? readyReason(specialist) : target === 0 ? 'ScaledToZero' : 'Starting',
              message: `${ready}/${target} replicas ready`,
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      };
    });
  }

  /** Asks for `count` replicas; acted on at once, and again every interval until it holds. */
  setReplicas(key: string, count: number): void {
    const pool = this.pools.get(key);
    if (!pool) return;
    pool.target = count;
    this.converge(pool);
  }

  /**
   * One pass: probes every replica's worker, all at once, then converges every pool. Called
   * while a pass is under way, it waits for that pass instead of starting another.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.probeAll()
      .then(() => {
        for (const pool of this.pools.values()) this.converge(pool);
      })
      .catch((error: unknown) => this.options.logger.error({ msg: 'fleet pass failed', error: String(error) }))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** Stops every replica (each drains) once the starts under way have ended; no new ones start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.refreshing;
    // A start that ends now leaves its replica in its pool, stopped below.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    const members = [...this.pools.values()].flatMap((pool) => pool.members.splice(0));
    await Promise.all(
      members.map((member) =>
        member.replica
          ?.stop()
          .catch((error: unknown) =>
            this.options.logger.error({ msg: 'replica did not stop', replica: member.name, error: String(error) }),
          ),
      ),
    );
  }

  private async probeAll(): Promise<void> {
    const probes = [...this.pools.values()].flatMap((pool) =>
      pool.members.map(async (member) => {
        const replica = member.replica;
        if (!replica || leaving(member)) return;
        const probe = await replica.probe();
        // Whatever happened to it meanwhile (stopped, exited, dropped) stands.
        if (leaving(member) || !pool.members.includes(member)) return;
        if (probe === 'unknown') {
          if (++member.silentProbes >= SILENT_PROBES_BEFORE_UNREADY && member.state === 'ready') {
            member.state = 'unready';
          }
          return;
        }
        member.silentProbes = 0;
        member.state = probe;
        if (probe === 'ready' && !member.everReady) {
          member.everReady = true;
          pool.failures = 0;
          this.options.logger.log({ msg: 'replica ready', specialist: pool.key, replica: member.name });
        }
      }),
    );
    await Promise.all(probes);
  }

  /** Acts on the difference between the replicas a pool has and the count asked for. */
  private converge(pool: Pool): void {
    if (this.stopping) return;
    for (const member of pool.members) {
      if (member.replica?.exited && member.state !== 'stopping') member.state = 'exited';
    }
    const plan = planConvergence({
      replicas: pool.members,
      target: pool.target,
      startsAllowed: this.now() >= pool.retryAt,
    });
    const byName = (name: string) => pool.members.find((m) => m.name === name);
    for (const member of plan.forget.map(byName)) if (member) this.forget(pool, member);
    for (const member of plan.stop.map(byName)) if (member) this.stopMember(pool, member);
    // A replica just forgotten may have died before it was ever ready: its replacement waits.
    const start = this.now() >= pool.retryAt ? plan.start : 0;
    for (let i = 0; i < start; i++) this.startMember(pool);
    this.report(pool);
  }

  private startMember(pool: Pool): void {
    const name = `${pool.specialist.metadata.name}-${this.options.runId}-${pool.nextIndex++}`;
    const member: Member = { name, state: 'starting', replica: undefined, silentProbes: 0, everReady: false };
    pool.members.push(member);
    this.options.logger.log({ msg: 'starting replica', specialist: pool.key, replica: name });
    this.track(
      this.options.startReplica(pool.specialist, name).then(
        (replica) => {
          member.replica = replica;
          if (member.state === 'starting') member.state = 'unready';
          this.options.logger.log({
            msg: 'replica started',
            specialist: pool.key,
            replica: name,
            ...replica.logFields(),
          });
          void replica.whenExited.then(() => this.converge(pool));
          this.converge(pool);
        },
        (error: unknown) => {
          pool.members = pool.members.filter((m) => m !== member);
          this.failed(pool, name, String(error));
          this.converge(pool);
        },
      ),
    );
  }

  /** Drops an exited replica, ending whatever of it still runs (its engine when its worker died). */
  private forget(pool: Pool, member: Member): void {
    pool.members = pool.members.filter((m) => m !== member);
    const how = member.replica?.describeExit() ?? 'unknown';
    if (member.everReady) {
      this.options.logger.warn({
        msg: 'replica exited; replacing it',
        specialist: pool.key,
        replica: member.name,
        how,
      });
    } else {
      this.failed(pool, member.name, `exited before it was ready (${how})`);
    }
    const replica = member.replica;
    if (replica) this.track(replica.stop().catch(() => undefined));
  }

  /** Stops a live replica: one too many, or drained by someone else. */
  private stopMember(pool: Pool, member: Member): void {
    const reason = member.state === 'draining' ? 'drained: replacing it' : 'scaling down';
    member.state = 'stopping';
    pool.members = pool.members.filter((m) => m !== member);
    this.options.logger.log({ msg: 'stopping replica', specialist: pool.key, replica: member.name, reason });
    const replica = member.replica;
    if (!replica) return; // the planner never stops a replica that is still starting
    this.track(
      replica
        .stop()
        .catch((error: unknown) =>
          this.options.logger.error({ msg: 'replica did not stop', replica: member.name, error: String(error) }),
        ),
    );
  }

  /** A failed start, or a replica that died before it was ever ready: starts back off. */
  private failed(pool: Pool, name: string, why: string): void {
    pool.failures++;
    const retryInMs = startBackoffMs(pool.failures);
    pool.retryAt = this.now() + retryInMs;
    this.options.logger.error({
      msg: 'replica failed to start; retrying',
      specialist: pool.key,
      replica: name,
      failures: pool.failures,
      retryInMs,
      error: why,
    });
  }

  /** Logs the pool's counts when they change, and tells the routing table when its ready replicas do. */
  private report(pool: Pool): void {
    const ready = readyIn(pool);
    const { reported } = pool;
    if (ready === reported.ready && pool.target === reported.asked) return;
    const readyChanged = ready !== reported.ready;
    pool.reported = { ready, asked: pool.target };
    this.options.logger.log({ msg: 'replicas', specialist: pool.key, ready, asked: pool.target });
    if (readyChanged) this.options.onChange();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

const leaving = (member: Member): boolean => member.state === 'exited' || member.state === 'stopping';
const readyIn = (pool: Pool): number => pool.members.filter((m) => m.state === 'ready').length;
/** The Ready reason a cluster shows: the operator's probe of the endpoint for an openai Specialist. */
const readyReason = (specialist: Specialist): string => (isLargeModel(specialist) ? 'EndpointReady' : 'ReplicasReady');
