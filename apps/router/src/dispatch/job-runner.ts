import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CallFailure } from '@slm-fleet/calls';
import {
  CALL_JOB_NAME,
  callJobOptions,
  cancelChannel,
  decodeCallError,
  isRedisUnreachable,
  type CallJobData,
  type CallReply,
  type CallResult,
  type RedisClient,
  type StreamDelta,
} from '@slm-fleet/queue';
import type { SpecialistRoute } from '@slm-fleet/routing';
import { PendingCall, failureOfCallError } from './pending-call.js';
import type { QueueRegistry } from './queue-registry.js';
import { cancelIsTheDeadline, keyReused } from './dispatch-decisions.js';

/** How often waiting calls are checked against their jobs, in case a reply was lost. */
const SWEEP_INTERVAL_MS = 500;
/** A call is checked when nothing was heard of it for this long. */
const RECHECK_AFTER_MS = 1000;
const MAX_CHECKS_PER_SWEEP = 200;
/** How often a call that shares an earlier call's job reads that job. */
const FOLLOW_INTERVAL_MS = 50;
/** How often a call waiting for Redis to come back tries its command again. */
const REDIS_RETRY_MS = 200;

/** A call's job data before it is aimed at one queue. */
export type CallJobBase = Omit<CallJobData, 'callId' | 'specialist' | 'model' | 'deadline' | 'enqueuedAt' | 'stream'>;

/** One job on one Specialist's queue: a tier's attempt at a call. */
export interface JobPlan {
  route: SpecialistRoute;
  base: CallJobBase;
  /** The job id for an idempotent call (a retry finds the earlier job); a fresh id otherwise. */
  jobId?: string;
  idempotencyKey?: string;
  /** The job's BullMQ priority (libs/queue's bullPriority: task priority level, then size class). */
  bullPriority: number;
  /**
   * If no worker has taken the job `afterMs` after the call arrived, its priority becomes
   * `bullPriority` (libs/routing's queueOrder: the head of its level), so it is not starved.
   */
  promote?: { afterMs: number; bullPriority: number };
  /** Absolute deadline (epoch ms). */
  deadline: number;
  onDelta?: (delta: StreamDelta) => void;
  /** Fires when the caller goes away: the job is withdrawn. */
  cancelled?: AbortSignal;
  /**
   * Give up on this queue after `afterMs` if `stillGiveUp()` then holds and no worker has taken
   * the job: the run fails with NO_READY_REPLICA (the caller then tries its fallback).
   */
  giveUp?: { afterMs: number; stillGiveUp: () => boolean };
  /** Told once the job is on the queue. */
  onQueued?: () => void;
}

/** A job's answer and its id (the call id callers see). */
export interface JobAnswer {
  jobId: string;
  result: CallResult;
}

export interface JobRunnerDeps {
  redis: RedisClient;
  queues: QueueRegistry;
  queuePrefix: string;
  logger: LoggerService;
}

/**
 * Runs jobs on Specialist queues and waits for their answers. Replies arrive on the router's
 * reply list (see ReplyListener); the sweeper reads the job itself when a reply is overdue, so
 * a lost reply (Redis restarted) is recovered instead of waited on forever.
 *
 * Calls ride through a Redis outage within their deadline: queueing is tried again until
 * Redis answers (the job id is fixed, so a second add of a job that did get in is a no-op),
 * and a job that Redis lost in a restart (the last second of writes, with appendfsync
 * everysec) is queued again under the same id when the sweeper finds it missing.
 */
export class JobRunner {
  private readonly pending = new Map<string, PendingCall>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: JobRunnerDeps) {}

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(false), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  onReply(reply: CallReply): void {
    this.pending.get(reply.callId)?.onReply(reply);
  }

  /** After trouble with Redis: check every waiting call against its job now. */
  recheckAll(): void {
    void this.sweep(true);
  }

  /** Queues the job and waits for its answer; a failure is a CallFailure. */
  async run(plan: JobPlan): Promise<JobAnswer> {
    const now = Date.now();
    const { route, deadline } = plan;
    const callId = randomUUID();
    const jobId = plan.jobId ?? callId;
    const pending = new PendingCall(callId, jobId, route.queue, route.specialist, deadline, plan.onDelta, now);
    this.pending.set(callId, pending);
    const timer = setTimeout(() => this.withdraw(pending, 'deadline'), deadline - now);
    const giveUpPlan = plan.giveUp;
    const giveUp = giveUpPlan && setTimeout(() => void this.giveUp(pending, giveUpPlan), giveUpPlan.afterMs);
    // A caller whose deadline passed cancels, racing our own timer: that is a timeout.
    const onCancel = (): void =>
      this.withdraw(pending, cancelIsTheDeadline(Date.now(), now, deadline) ? 'deadline' : 'cancelled');
    plan.cancelled?.addEventListener('abort', onCancel, { once: true });
    let promote: NodeJS.Timeout | undefined;
    try {
      const data: CallJobData = {
        ...plan.base,
        callId,
        specialist: route.specialist,
        ...(route.model ? { model: route.model } : {}),
        deadline,
        enqueuedAt: now,
        stream: plan.onDelta !== undefined,
      };
      const job = await this.enqueue(pending, data, plan.bullPriority, plan.idempotencyKey);
      if (!pending.isSettled) plan.onQueued?.();
      const promotion = plan.promote;
      if (job && promotion && !pending.isSettled) {
        const delay = Math.max(0, promotion.afterMs - (Date.now() - now));
        promote = setTimeout(() => void this.promote(pending, job, promotion.bullPriority), delay);
      }
      return { jobId, result: await pending.result };
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
      clearTimeout(promote);
      plan.cancelled?.removeEventListener('abort', onCancel);
      this.pending.delete(callId);
    }
  }

  /** Takes the job back if no worker holds it and the caller still wants to give up. */
  private async giveUp(pending: PendingCall, giveUp: NonNullable<JobPlan['giveUp']>): Promise<void> {
    if (pending.isSettled || !giveUp.stillGiveUp()) return;
    // The sweeper must not take the job's absence for a loss and queue it again.
    pending.withdrawing = true;
    try {
      // remove() leaves a job a worker holds (locked): then the call stays here.
      if ((await this.deps.queues.queue(pending.queueName).remove(pending.jobId)) === 0) {
        pending.withdrawing = false;
        return;
      }
    } catch {
      pending.withdrawing = false;
      return; // Redis is away: the call waits in its queue as if nothing had been decided.
    }
    pending.fail(
      new CallFailure(
        'UNAVAILABLE',
        'NO_READY_REPLICA',
        `${pending.specialist} had no ready replica within the task's fallback.when.noReadySpecialistMs`,
      ),
    );
  }

  /**
   * A call that waited its promotion delay moves ahead in its level (one command, only for the
   * calls that wait that long). On a job a worker already holds, or one that just finished,
   * BullMQ only rewrites the hash's priority field: harmless. Redis away, or the job gone:
   * the call keeps its place.
   */
  private async promote(pending: PendingCall, job: Job, priority: number): Promise<void> {
    if (pending.isSettled || pending.withdrawing) return;
    try {
      // FIFO in the promoted class (lifo: false): calls promoted earlier go first, so none of
      // them can be overtaken for ever by later promotions.
      await job.changePriority({ priority, lifo: false });
    } catch {
      // The call keeps its place; its deadline bounds the wait.
    }
  }

  /** Queues the job; the Job added (undefined when the call ended first). */
  private async enqueue(
    pending: PendingCall,
    data: CallJobData,
    priority: number,
    key?: string,
  ): Promise<Job | undefined> {
    const queue = this.deps.queues.queue(pending.queueName);
    let job: Job | undefined;
    const add = async (): Promise<void> => {
      job = await queue.add(CALL_JOB_NAME, data, { ...callJobOptions(pending.jobId), priority });
    };
    pending.requeue = add;
    // Counted before the add returns, so calls arriving in the same moment see each other in
    // the depth estimate (shedding, and the wait they predict).
    const adding = this.deps.queues.beginAdd(pending.queueName);
    let added = false;
    try {
      added = (await this.untilRedisAnswers(pending, add)) !== undefined;
    } finally {
      adding(added);
    }
    if (!added) return undefined;
    if (key === undefined) return job;
    // Same key as an earlier call: BullMQ kept the earlier job. Answer from it, or run again
    // if it failed (a failure is not an answer worth repeating); another request under the
    // same key is refused (jobs queued before fingerprints existed carry none: trusted).
    const found = (await this.untilRedisAnswers(pending, () => queue.getJob(pending.jobId)))?.value;
    const earlier = found?.data as CallJobData | undefined;
    if (!found || earlier?.callId === pending.callId) return job;
    if (earlier?.requestFingerprint && earlier.requestFingerprint !== data.requestFingerprint) {
      throw keyReused(key, data.task);
    }
    if (found.failedReason) {
      await this.untilRedisAnswers(pending, async () => {
        await found.remove();
        await add();
      });
      return job;
    }
    if (found.finishedOn) pending.complete(found.returnvalue as CallResult);
    else void this.follow(pending);
    // An earlier call's job: that call promotes it.
    return undefined;
  }

  /**
   * Runs a Redis command, again every 200 ms while Redis cannot be reached, until it answers
   * or the call ends (its deadline, or the caller gone): undefined then. Redis refusing the
   * command (out of memory, say) fails the call at once, UNAVAILABLE.
   */
  private async untilRedisAnswers<T>(
    pending: PendingCall,
    command: () => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    for (let tries = 1; !pending.isSettled; tries++) {
      try {
        return { value: await command() };
      } catch (error) {
        if (error instanceof CallFailure) throw error;
        if (!isRedisUnreachable(error, this.deps.redis.status)) {
          throw new CallFailure(
            'UNAVAILABLE',
            'QUEUE_UNAVAILABLE',
            `could not queue the call on ${pending.queueName}: ${(error as Error).message}; retry`,
          );
        }
        if (tries === 1)
          this.deps.logger.warn?.({ msg: 'Redis unreachable; the call waits for it', callId: pending.callId });
        await new Promise((resolve) => setTimeout(resolve, REDIS_RETRY_MS));
      }
    }
    return undefined;
  }

  /**
   * Follows a job queued by an earlier call with the same idempotency key: its replies go to
   * that call's router, so this one reads the job until it ends (bounded by the deadline).
   */
  private async follow(pending: PendingCall): Promise<void> {
    while (!pending.isSettled) {
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS));
      await this.check(pending, Date.now());
    }
  }

  /** The caller is gone or the deadline passed: take the job back so it never runs late. */
  private withdraw(pending: PendingCall, why: 'deadline' | 'cancelled'): void {
    if (pending.isSettled) return;
    pending.fail(
      why === 'deadline'
        ? new CallFailure(
            'DEADLINE_EXCEEDED',
            'DEADLINE_EXCEEDED',
            `no answer from ${pending.specialist} before the deadline; its queue ${pending.queueName} may be backed up or have no ready replica`,
          )
        : new CallFailure('CANCELLED', 'CANCELLED', 'the caller cancelled the call'),
    );
    const queue = this.deps.queues.queue(pending.queueName);
    void (async () => {
      try {
        // remove() leaves a job a worker holds (locked); that worker is told to stop it.
        const removed = await queue.remove(pending.jobId);
        if (removed === 0) await this.deps.redis.publish(cancelChannel(this.deps.queuePrefix), pending.jobId);
      } catch (error) {
        this.deps.logger.warn?.({ msg: 'could not withdraw a call', jobId: pending.jobId, error: String(error) });
      }
    })();
  }

  private async sweep(all: boolean): Promise<void> {
    const now = Date.now();
    const due = [...this.pending.values()]
      .filter((p) => !p.isSettled && (all || now - p.lastCheckedAt >= RECHECK_AFTER_MS))
      .slice(0, MAX_CHECKS_PER_SWEEP);
    await Promise.all(due.map((p) => this.check(p, now)));
  }

  private async check(pending: PendingCall, now: number): Promise<void> {
    pending.lastCheckedAt = now;
    let job: Job | undefined;
    try {
      job = await this.deps.queues.queue(pending.queueName).getJob(pending.jobId);
    } catch {
      return; // Redis is away: the deadline bounds the wait, the next sweep tries again.
    }
    if (pending.isSettled || pending.withdrawing) return;
    if (!job) {
      // Redis lost it (a restart without the last writes): the same job again, same id.
      this.deps.logger.warn?.({
        msg: 'call lost by Redis; queued again',
        callId: pending.callId,
        jobId: pending.jobId,
      });
      await pending.requeue?.().catch(() => undefined); // Redis away again: the next sweep retries
    } else if (job.failedReason) {
      pending.fail(failureOfCallError(decodeCallError(job.failedReason), pending.specialist));
    } else if (job.finishedOn) {
      pending.complete(job.returnvalue as CallResult);
    }
  }
}
