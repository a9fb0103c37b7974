// A Specialist's queue signals from what the operator reads off its BullMQ queue. Pure: the
// reading happens in the operator, which hands the numbers in.
//
// How the operator reads them (BullMQ 6, classes/queue-getters.d.ts), per Specialist:
//
//   const queue = new Queue(specialistQueueName(namespace, name), { connection, prefix });
//   const counts = await queue.getJobCounts('wait', 'prioritized', 'active');
//   const heads = [...(await queue.getWaiting(0, 0)), ...(await queue.getPrioritized(0, OLDEST_SAMPLE - 1))];
//   const signals = queueSignalsFrom(counts, oldestTimestamp(heads), Date.now());
//
// and on a Redis error passes `undefined` counts, which makes every signal missing (the policy
// then holds). getJobCounts returns `{ wait, prioritized, active }` (numbers; `getJobCounts()`
// with no types would count every state, more round trips than needed).
//
// Which jobs hold the oldest timestamp (Job.timestamp: epoch ms when the router added it):
// - getWaiting(0, 0) is the next job of the FIFO wait list, the oldest there (BullMQ reads the
//   list from the end its workers take from).
// - The router gives every call a BullMQ priority (bullPriority, always >= 1), so calls sit in
//   the `prioritized` sorted set, ordered by priority and then arrival. getPrioritized(0, 0) is
//   the next job to run: the oldest of the highest priority queued, not necessarily the oldest
//   call (a lower-priority one can wait longer). Reading the first OLDEST_SAMPLE jobs and taking
//   the smallest timestamp is exact while no more than that many wait, and a lower bound on the
//   age beyond; a backlog that large scales on its count anyway.
// Read counts first, then the jobs: a job taken in between leaves a count without a timestamp,
// which is read as "none waits now" below.

/** What getJobCounts('wait', 'prioritized', 'active') returned; a missing count is a missing signal. */
export interface QueueJobCounts {
  wait?: number | undefined;
  prioritized?: number | undefined;
  active?: number | undefined;
}

/** The queue's part of SpecialistSignals; `undefined` means not known. */
export interface QueueSignals {
  /** Calls waiting: the wait list plus the prioritized set. */
  waiting: number | undefined;
  /** Calls a worker holds. */
  active: number | undefined;
  /** Age in seconds of the oldest waiting call; 0 when none waits. */
  oldestWaitingSeconds: number | undefined;
}

/** How many prioritized jobs the operator reads to find the oldest waiting call. */
export const OLDEST_SAMPLE = 100;

/**
 * The queue signals from the job counts (undefined when Redis could not be read), the oldest
 * waiting job's timestamp (epoch ms; undefined when no waiting job was found) and the time of
 * the reading (epoch ms). A timestamp ahead of `now` (clocks apart) gives age 0.
 */
export function queueSignalsFrom(
  counts: QueueJobCounts | undefined,
  oldestWaitingTimestamp: number | undefined,
  now: number,
): QueueSignals {
  const wait = count(counts?.wait);
  const prioritized = count(counts?.prioritized);
  const waiting = wait === undefined || prioritized === undefined ? undefined : wait + prioritized;
  return {
    waiting,
    active: count(counts?.active),
    oldestWaitingSeconds: oldestAge(waiting, oldestWaitingTimestamp, now),
  };
}

/** The smallest valid timestamp among jobs (BullMQ Job.timestamp, epoch ms), or undefined. */
export function oldestTimestamp(jobs: readonly { timestamp: number }[]): number | undefined {
  let oldest: number | undefined;
  for (const { timestamp } of jobs) {
    if (Number.isFinite(timestamp) && timestamp > 0 && (oldest === undefined || timestamp < oldest)) {
      oldest = timestamp;
    }
  }
  return oldest;
}

function count(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function oldestAge(waiting: number | undefined, timestamp: number | undefined, now: number): number | undefined {
  if (waiting === undefined || !Number.isFinite(now)) return undefined;
  if (waiting === 0 || timestamp === undefined || !Number.isFinite(timestamp)) return 0;
  return Math.max(0, (now - timestamp) / 1000);
}
