import { Queue } from 'bullmq';
import type { RedisClient } from '@slm-fleet/queue';

/** How long a queue's depth estimate is trusted before it is read again from Redis. */
const DEPTH_TTL_MS = 100;

interface Depth {
  waiting: number;
  readAt: number;
  reading: boolean;
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
  waiting(name: string, now: number): number {
    const depth = this.depths.get(name) ?? { waiting: 0, readAt: 0, reading: false };
    this.depths.set(name, depth);
    if (now - depth.readAt > DEPTH_TTL_MS && !depth.reading) {
      depth.reading = true;
      this.queue(name)
        .getJobCounts('wait', 'prioritized')
        .then((counts) => {
          depth.waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
          depth.readAt = Date.now();
        })
        .catch(() => undefined)
        .finally(() => {
          depth.reading = false;
        });
    }
    return depth.waiting;
  }

  noteAdded(name: string): void {
    const depth = this.depths.get(name);
    if (depth) depth.waiting += 1;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
