import type { LoggerService } from '@nestjs/common';
import type { Specialist } from '@slm-fleet/api';
import { Replica, type ReplicaSettings } from './replica.js';

interface Pool {
  specialist: Specialist;
  replicas: Replica[];
  ready: Set<Replica>;
  /** The count asked for; the pool converges on it. */
  target: number;
  converging: Promise<void> | undefined;
  nextIndex: number;
}

/**
 * Local mode's stand-in for Deployments: per Specialist, a set of replicas (worker + engine
 * processes) converging on the count asked for. Starts run side by side; a replica leaving
 * drains first, so scaling down loses no call.
 */
export class LocalFleet {
  private readonly pools = new Map<string, Pool>();
  private stopping = false;
  /** The readiness pass under way, if any. */
  private refreshing: Promise<void> | undefined;

  constructor(
    specialists: readonly Specialist[],
    private readonly settings: ReplicaSettings,
    private readonly logger: LoggerService,
    private readonly onChange: () => void,
  ) {
    for (const specialist of specialists) {
      const key = `${specialist.metadata.namespace}/${specialist.metadata.name}`;
      this.pools.set(key, {
        specialist,
        replicas: [],
        ready: new Set(),
        target: 0,
        converging: undefined,
        nextIndex: 0,
      });
    }
  }

  /** The count asked for and the replicas whose worker takes calls. */
  countsOf(key: string): { asked: number; ready: number } {
    const pool = this.pools.get(key);
    return { asked: pool?.target ?? 0, ready: pool?.ready.size ?? 0 };
  }

  /** The Specialists with the status a cluster would show (replicas, Ready), for routing. */
  specialistsWithStatus(): Specialist[] {
    return [...this.pools.values()].map(({ specialist, ready, target }) => ({
      ...specialist,
      status: {
        replicas: target,
        readyReplicas: ready.size,
        desiredReplicas: target,
        conditions: [
          {
            type: 'Ready',
            status: ready.size > 0 || target === 0 ? 'True' : 'False',
            reason: ready.size > 0 ? 'ReplicasReady' : target === 0 ? 'ScaledToZero' : 'Starting',
            message: `${ready.size}/${target} replicas ready`,
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    }));
  }

  setReplicas(key: string, count: number): void {
    const pool = this.pools.get(key);
    if (!pool || this.stopping) return;
    pool.target = count;
    pool.converging ??= this.converge(pool).finally(() => {
      pool.converging = undefined;
    });
  }

  /**
   * Re-reads every worker's readiness, all at once; tells the router when any changed. Called
   * while a pass is under way, it waits for that pass instead of starting another.
   */
  refreshReadiness(): Promise<void> {
    this.refreshing ??= this.readReadiness().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readReadiness(): Promise<void> {
    const probes = [...this.pools.values()].flatMap((pool) =>
      pool.replicas.map(async (replica) => ({ pool, replica, ready: await replica.isReady() })),
    );
    let changed = false;
    for (const { pool, replica, ready } of await Promise.all(probes)) {
      // A replica that left while it was probed stays out.
      if (!pool.replicas.includes(replica) || ready === pool.ready.has(replica)) continue;
      changed = true;
      if (ready) pool.ready.add(replica);
      else pool.ready.delete(replica);
    }
    if (changed) this.onChange();
  }

  /** Stops every replica (each drains); no new ones start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.converging));
    await Promise.all([...this.pools.values()].flatMap((pool) => pool.replicas.map((r) => r.stop())));
  }

  /** Last resort on exit. */
  kill(): void {
    for (const pool of this.pools.values()) for (const replica of pool.replicas) replica.kill();
  }

  private async converge(pool: Pool): Promise<void> {
    while (!this.stopping && pool.replicas.length !== pool.target) {
      if (pool.replicas.length < pool.target) {
        const starts = Array.from({ length: pool.target - pool.replicas.length }, () =>
          Replica.start(pool.specialist, pool.nextIndex++, this.settings),
        );
        for (const result of await Promise.allSettled(starts)) {
          if (result.status === 'fulfilled') pool.replicas.push(result.value);
          else this.logger.error({ msg: 'replica failed to start', error: String(result.reason) });
        }
        if (pool.replicas.length < pool.target) return; // retried on the next ask
      } else {
        const leaving = pool.replicas.splice(pool.target);
        for (const replica of leaving) pool.ready.delete(replica);
        this.onChange();
        await Promise.all(leaving.map((replica) => replica.stop()));
      }
    }
  }
}
