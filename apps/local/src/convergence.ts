/**
 * What local mode knows of one replica when it plans:
 * - `starting`: its processes are being started (not yet listening); it cannot be stopped yet;
 * - `unready`: running, its worker's /readyz not 200 (engine still loading, Redis away);
 * - `ready`: its worker's /readyz answers 200: it takes calls;
 * - `draining`: its worker's /readyz says `shutdown: draining` although local mode never asked
 *   (someone called its `GET /drain`): it takes no more calls, so it is replaced;
 * - `exited`: its worker or its engine exited: it is replaced;
 * - `stopping`: local mode is stopping it; it counts for nothing.
 */
export type ReplicaState = 'starting' | 'unready' | 'ready' | 'draining' | 'exited' | 'stopping';

export interface ObservedReplica {
  name: string;
  state: ReplicaState;
}

export interface ConvergenceInput {
  /** The pool's replicas, oldest first. */
  replicas: readonly ObservedReplica[];
  /** The count asked for. */
  target: number;
  /** False while a failed start waits for its backoff: nothing new starts. */
  startsAllowed: boolean;
}

export interface ConvergencePlan {
  /** How many new replicas to start. */
  start: number;
  /** Replicas to stop (drain first): drained by someone else, or beyond the count asked. */
  stop: string[];
  /** Exited replicas: to drop, ending whatever of them still runs. */
  forget: string[];
}

/** Which replicas to keep when there are more than asked: the ones closest to taking calls. */
const KEEP_FIRST: Partial<Record<ReplicaState, number>> = { ready: 0, unready: 1, starting: 2 };

/**
 * Level-triggered, as a ReplicaSet: from what the replicas are now (not from what happened to
 * them), what to do so the pool has `target` live replicas. Dead and drained replicas are
 * replaced, never counted; on a scale-down the unready ones go before the ready ones, and
 * among equals the youngest goes first, so a live replica is never stopped while a dead or
 * useless one is kept. A replica still starting cannot be stopped: it counts as live, and if
 * it is one too many, it is stopped on a later pass, once started.
 */
export function planConvergence({ replicas, target, startsAllowed }: ConvergenceInput): ConvergencePlan {
  const forget = replicas.filter((r) => r.state === 'exited').map((r) => r.name);
  const stop = replicas.filter((r) => r.state === 'draining').map((r) => r.name);
  const live = replicas
    .map((replica, age) => ({ replica, age, rank: KEEP_FIRST[replica.state] }))
    .filter((r): r is { replica: ObservedReplica; age: number; rank: number } => r.rank !== undefined)
    // The oldest of each kind first: the last ones are the ones to go.
    .sort((a, b) => a.rank - b.rank || a.age - b.age);
  const wanted = Math.max(0, target);
  for (const { replica } of live.slice(wanted).reverse()) if (replica.state !== 'starting') stop.push(replica.name);
  const start = startsAllowed ? Math.max(0, wanted - live.length) : 0;
  return { start, stop, forget };
}

/** Backoff after `failures` failed starts in a row: 1 s, 2 s, 4 s ... at most 30 s. */
export function startBackoffMs(failures: number): number {
  return failures <= 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), 30_000);
}
