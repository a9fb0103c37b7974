import { Queue } from 'bullmq';
import { OLDEST_SAMPLE, oldestTimestamp, queueSignalsFrom, type QueueSignals } from '@slm-fleet/autoscaling';
import { specialistQueueName, type RedisClient } from '@slm-fleet/queue';

const MISSING: QueueJobs = { counts: undefined, oldest: undefined };

interface QueueJobs {
  counts: { wait?: number; prioritized?: number; active?: number } | undefined;
  oldest: number | undefined;
}

/**
 * Reads each Specialist's queue (waiting, running, oldest waiting call) from Redis. A queue
 * that cannot be read gives missing signals, on which the policy holds.
 */
export class QueueReader {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
  ) {}

  async read(namespace: string, name: string, now: () => number): Promise<QueueSignals> {
    return readQueueSignals(this.queue(namespace, name), this.connection, now);
  }

  /** Closes the queues of Specialists no longer scaled (deleted, or now external). */
  async forgetAllBut(keep: ReadonlySet<string>): Promise<void> {
    for (const [key, queue] of this.queues) {
      if (keep.has(key)) continue;
      this.queues.delete(key);
      await queue.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.forgetAllBut(new Set());
  }

  private queue(namespace: string, name: string): Queue {
    const key = `${namespace}/${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(specialistQueueName(namespace, name), { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => undefined); // surfaced by the reads that fail
      this.queues.set(key, queue);
    }
    return queue;
  }
}

/**
 * Reads one BullMQ queue's signals (waiting, running, oldest waiting call) from Redis, on
 * `connection` (the queue's own). A queue that cannot be read gives missing signals.
 */
export async function readQueueSignals(
  queue: Queue,
  connection: RedisClient,
  now: () => number,
): Promise<QueueSignals> {
  const { counts, oldest } = await jobsOf(queue, connection);
  return queueSignalsFrom(counts, oldest, now());
}

async function jobsOf(queue: Queue, connection: RedisClient): Promise<QueueJobs> {
  try {
    // Counts first: a job taken before its timestamp is read counts as none waiting.
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active');
    // Ids, then only their timestamps: whole jobs would carry every waiting prompt.
    const ids = [
      ...(await queue.getRanges(['wait'], 0, 0, true)),
      ...(await queue.getRanges(['prioritized'], 0, OLDEST_SAMPLE - 1, true)),
    ];
    return { counts, oldest: oldestTimestamp(await timestampsOf(queue, connection, ids)) };
  } catch {
    return MISSING; // Redis away: logged once by the connection's error handler
  }
}

async function timestampsOf(queue: Queue, connection: RedisClient, ids: string[]): Promise<{ timestamp: number }[]> {
  if (ids.length === 0) return [];
  const pipeline = connection.pipeline();
  for (const id of ids) pipeline.hget(queue.toKey(id), 'timestamp');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([, value]) => ({ timestamp: Number(value) }));
}
