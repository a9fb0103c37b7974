import { Queue } from 'bullmq';
import type { RedisClient } from '@slm-fleet/queue';
import { readQueueSignals } from '@slm-fleet/load-signals';

/** How long a queue's depth estimate is trusted before it is read again from Redis. */
const DEPTH_TTL_MS = 100;

interface Depth {
  specialist: string;
  waiting: number;
  /** Calls replicas hold, as last read (not counted between reads). */
  active: number;
  /** Calls being added now (their add not yet answered): counted at once, so a burst sees itself. */
  adding: number;
  readAt: number;
  reading: boolean;
}

/** A queue as a metrics scrape read it. */
export interface QueueReading {
  specialist: string;
  /** Calls waiting: as read now, or the last estimate when Redis could not be read. */
  waiting: number;
  /** Age in seconds of the oldest waiting call (0: none waits); undefined when Redis could not be read. */
  oldestWaitingSeconds: number | undefined;
}

/**
 * The BullMQ queues this router writes to, one per Specialist, made on first use (they come
 * from resources at run time) and sharing the router's Redis connection. Also keeps a cheap
 * estimate of each queue's depth for shedding: read at most every 100 ms, plus the calls this
 * router added since, so shedding costs no Redis round trip per call.
 */
export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();
  private readonly depths = new Map<string, Depth>();

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
  ) {}

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      // Errors surface on the calls that hit them; without a listener Node would throw.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Calls waiting in a queue, as last read plus those added since. */
  waiting(name: string, now: number, specialist: string): number {
    return this.load(name, now, specialist).waiting;
  }

  /** Calls waiting (as `waiting`) and held by replicas (as last read), for predicting a call's wait. */
  load(name: string, now: number, specialist: string): { waiting: number; active: number } {
    const depth = this.depthOf(name, specialist);
    if (now - depth.readAt > DEPTH_TTL_MS && !depth.reading) void this.read(name, depth);
    return { waiting: depth.waiting + depth.adding, active: depth.active };
  }

  /**
   * Reads every queue this router has used, once, for a metrics scrape: its depth (which also
   * refreshes the estimate) and the age of its oldest waiting call.
   */
  async readAll(): Promise<QueueReading[]> {
    return Promise.all([...this.depths].map(([name, depth]) => this.readSignals(name, depth)));
  }

  private depthOf(name: string, specialist: string): Depth {
    let depth = this.depths.get(name);
    if (!depth) {
      depth = { specialist, waiting: 0, active: 0, adding: 0, readAt: 0, reading: false };
      this.depths.set(name, depth);
    }
    return depth;
  }

  private async read(name: string, depth: Depth): Promise<void> {
    depth.reading = true;
    try {
      const counts = await this.queue(name).getJobCounts('wait', 'prioritized', 'active');
      depth.waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
      depth.active = counts.active ?? 0;
      depth.readAt = Date.now();
    } catch {
      // Redis is away: keep the last estimate; the next call or scrape reads again.
    } finally {
      depth.reading = false;
    }
  }

  private async readSignals(name: string, depth: Depth): Promise<QueueReading> {
    depth.reading = true;
    try {
      const signals = await readQueueSignals(this.queue(name), this.connection, () => Date.now());
      // Undefined: Redis is away; keep the last estimate, the next call or scrape reads again.
      if (signals.waiting !== undefined) {
        depth.waiting = signals.waiting;
        depth.readAt = Date.now();
      }
      return {
        specialist: depth.specialist,
        waiting: depth.waiting,
        oldestWaitingSeconds: signals.oldestWaitingSeconds,
      };
    } finally {
      depth.reading = false;
    }
  }

  /**
   * Counts a call being added to a queue; the returned function ends it (`added`: it is in).
   * A read's count replaces the estimate, but an add answered after the read was answered is
   * not in that count (one connection answers in order), so only answered adds join `waiting`.
   */
  beginAdd(name: string): (added: boolean) => void {
    const depth = this.depths.get(name);
    if (!depth) return () => undefined;
    depth.adding += 1;
    let ended = false;
    return (added) => {
      if (ended) return;
      ended = true;
      depth.adding -= 1;
      if (added) depth.waiting += 1;
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
