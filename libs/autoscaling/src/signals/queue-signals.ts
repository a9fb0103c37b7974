// A Specialist's queue signals from what is read off its BullMQ queue. Pure: the reading
// happens in libs/load-signals/src/queue-reader.ts (the QueueReader of the operator and local
// mode), which hands the numbers in. Per Specialist it reads:
//
//   const counts = await queue.getJobCounts('wait', 'prioritized', 'active');
//   const ids = [
//     ...(await queue.getRanges(['wait'], 0, 0, true)),
//     ...(await queue.getRanges(['prioritized'], 0, OLDEST_SAMPLE - 1, true)),
//   ];
//   // then, in one pipeline, HGET <job key> timestamp for each id
//   const signals = queueSignalsFrom(counts, oldestTimestamp(timestamps), now);
//
// Only ids and then the timestamps: whole jobs would carry every waiting prompt. On a Redis
// error it passes `undefined` counts, which makes every signal missing (the policy then holds).
// getJobCounts returns `{ wait, prioritized, active }` (numbers; `getJobCounts()` with no types
// would count every state, more round trips than needed).
//
// Which jobs hold the oldest timestamp (the job hash's `timestamp`: epoch ms when the router
// added it):
// - getRanges(['wait'], 0, 0, true) is the next job of the FIFO wait list, the oldest there.
// - The router gives every call a BullMQ priority (bullPriority, always >= 1), so calls sit in
//   the `prioritized` sorted set, ordered by task priority, then expected answer length (a
//   size class), then arrival. Its first id is the next job to run, not necessarily the
//   oldest call (a lower-priority or longer one can wait longer). Reading the first OLDEST_SAMPLE ids and taking
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
