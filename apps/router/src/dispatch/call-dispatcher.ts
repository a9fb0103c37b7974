import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import {
  CallFailure,
  GRPC_FIELD_NAMES,
  checkOutput,
  checkToolCalls,
  checkToolsAgainstTask,
  type FieldNames,
  type SchemaValidators,
  type ValidCall,
} from '@slm-fleet/calls';
import {
  CALL_JOB_NAME,
  callJobOptions,
  callProtocolVersionOf,
  cancelChannel,
  decodeCallError,
  isRedisUnreachable,
  type CallJobData,
  type CallReply,
  type CallResult,
  type RedisClient,
  type StreamDelta,
} from '@slm-fleet/queue';
import { pickRoute, type TaskRoute } from '@slm-fleet/routing';
import { PendingCall, failureOfCallError } from './pending-call.js';
import type { QueueRegistry } from './queue-registry.js';
import {
  cancelIsTheDeadline,
  jobIdFor,
  keyReused,
  requestFingerprint,
  shedding,
  taskNotFound,
} from './dispatch-decisions.js';

/** How often waiting calls are checked against their jobs, in case a reply was lost. */
const SWEEP_INTERVAL_MS = 500;
/** A call is checked when nothing was heard of it for this long. */
const RECHECK_AFTER_MS = 1000;
const MAX_CHECKS_PER_SWEEP = 200;
/** How often a call that shares an earlier call's job reads that job. */
const FOLLOW_INTERVAL_MS = 50;
/** How often a call waiting for Redis to come back tries its command again. */
const REDIS_RETRY_MS = 200;

export interface DispatchOptions {
  /** Absolute deadline (epoch ms); undefined: the task's timeout. */
  deadline?: number;
  onDelta?: (delta: StreamDelta) => void;
  /** Fires when the caller goes away: the call is withdrawn. */
  cancelled?: AbortSignal;
  traceparent?: string;
  /** How the caller's door names fields, for errors found here (gRPC's by default). */
  fieldNames?: FieldNames;
}

export interface Answer {
  callId: string;
  task: TaskRoute;
  specialist: string;
  result: CallResult;
  /** The parsed answer when a JSON schema applied. */
  json?: unknown;
}

/** Told of every call queued and answered, per Specialist (the router's metrics). */
export interface DispatchObserver {
  onQueued(specialist: string): void;
  onAnswered(specialist: string, result: CallResult): void;
}

export interface DispatcherDeps {
  redis: RedisClient;
  queues: QueueRegistry;
  validators: SchemaValidators;
  routingTable: () => ReadonlyMap<string, TaskRoute>;
  /** False until the Specialists and AgentTasks have been listed once. */
  routingSynced: () => boolean;
  namespace: string;
  replyTo: string;
  queuePrefix: string;
  logger: LoggerService;
  observer: DispatchObserver;
  random?: () => number;
}

/**
 * Routes a validated call to a specialist's queue and waits for its answer. Replies arrive on
 * the router's reply list (see ReplyListener); the sweeper reads the job itself when a reply
 * is overdue, so a lost reply (Redis restarted) is recovered instead of waited on forever.
 *
 * Calls ride through a Redis outage within their deadline: queueing is tried again until
 * Redis answers (the job id is fixed, so a second add of a job that did get in is a no-op),
 * and a job that Redis lost in a restart (the last second of writes, with appendfsync
 * everysec) is queued again under the same id when the sweeper finds it missing.
 */
export class CallDispatcher {
  private readonly pending = new Map<string, PendingCall>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DispatcherDeps) {}

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

  async dispatch(call: ValidCall, options: DispatchOptions): Promise<Answer> {
    const now = Date.now();
    if (!this.deps.routingSynced()) {
      throw new CallFailure(
        'UNAVAILABLE',
        'ROUTING_TABLE_NOT_READY',
        `the router has not listed the Specialists and AgentTasks of namespace ${this.deps.namespace} yet (is the API server reachable?); retry`,
      );
    }
    const task = this.deps.routingTable().get(call.task);
    if (!task) throw taskNotFound(call.task, this.deps.namespace, this.deps.routingTable());
    checkToolsAgainstTask(call.tools, task.tools, task.name, options.fieldNames ?? GRPC_FIELD_NAMES);
    const route = pickRoute(task, (this.deps.random ?? Math.random)());
    if (!route) {
      throw new CallFailure('UNAVAILABLE', 'NO_SPECIALIST', `task ${call.task} has no specialist to run it`);
    }
    const priority = call.priority ?? task.priority;
    const refusal = shedding(priority, this.deps.queues.waiting(route.queue, now, route.specialist), route);
    if (refusal) throw refusal;
    const deadline = options.deadline ?? now + task.timeoutMs;
    if (deadline <= now) {
      throw new CallFailure('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'the deadline passed before the call was queued');
    }

    const callId = randomUUID();
    const jobId = call.idempotencyKey ? jobIdFor(task.name, call.idempotencyKey) : callId;
    const pending = new PendingCall(callId, jobId, route.queue, route.specialist, deadline, options.onDelta, now);
    this.pending.set(callId, pending);
    const timer = setTimeout(() => this.withdraw(pending, 'deadline'), deadline - now);
    // A caller whose deadline passed cancels, racing our own timer: that is a timeout.
    const onCancel = (): void =>
      this.withdraw(pending, cancelIsTheDeadline(Date.now(), now, deadline) ? 'deadline' : 'cancelled');
    options.cancelled?.addEventListener('abort', onCancel, { once: true });
    try {
      const tools = {
        ...(call.tools ? { tools: call.tools } : {}),
        ...(call.toolChoice ? { toolChoice: call.toolChoice } : {}),
        ...(call.parallelToolCalls === undefined ? {} : { parallelToolCalls: call.parallelToolCalls }),
      };
      const data: CallJobData = {
        v: callProtocolVersionOf({ messages: call.messages, params: call.params, ...tools }),
        callId,
        task: `${task.namespace}/${task.name}`,
        specialist: route.specialist,
        ...(route.model ? { model: route.model } : {}),
        messages: call.messages,
        params: call.params,
        ...tools,
        ...((call.jsonSchema ?? task.jsonSchema) ? { jsonSchema: call.jsonSchema ?? task.jsonSchema } : {}),
        deadline,
        enqueuedAt: now,
        stream: options.onDelta !== undefined,
        replyTo: this.deps.replyTo,
        retries: task.retries,
        ...(options.traceparent ? { traceparent: options.traceparent } : {}),
        ...(call.sessionKey ? { sessionKey: call.sessionKey } : {}),
        ...(call.idempotencyKey ? { requestFingerprint: requestFingerprint(call) } : {}),
      };
      await this.enqueue(pending, data, priority, call.idempotencyKey);
      if (!pending.isSettled) this.deps.observer.onQueued(route.specialist);
      const result = await pending.result;
      this.deps.observer.onAnswered(route.specialist, result);
      checkToolCalls(
        result.toolCalls,
        { ...tools, validateArguments: task.validateToolArguments },
        this.deps.validators,
        route.specialist,
      );
      // An answer that calls tools has no text to hold to the output schema.
      const schema = result.toolCalls?.length ? undefined : (call.jsonSchema ?? task.jsonSchema);
      const json = schema ? checkOutput(result.output, schema, this.deps.validators, route.specialist) : undefined;
      return { callId: jobId, task, specialist: route.specialist, result, ...(schema ? { json } : {}) };
    } finally {
      clearTimeout(timer);
      options.cancelled?.removeEventListener('abort', onCancel);
      this.pending.delete(callId);
    }
  }

  private async enqueue(pending: PendingCall, data: CallJobData, priority: number, key?: string): Promise<void> {
    const queue = this.deps.queues.queue(pending.queueName);
    const add = async (): Promise<void> => {
      await queue.add(CALL_JOB_NAME, data, callJobOptions(pending.jobId, priority));
    };
    pending.requeue = add;
    if (!(await this.untilRedisAnswers(pending, add))) return;
    this.deps.queues.noteAdded(pending.queueName);
    if (key === undefined) return;
    // Same key as an earlier call: BullMQ kept the earlier job. Answer from it, or run again
    // if it failed (a failure is not an answer worth repeating); another request under the
    // same key is refused (jobs queued before fingerprints existed carry none: trusted).
    const found = await this.untilRedisAnswers(pending, () => queue.getJob(pending.jobId));
    const job = found?.value;
    const earlier = job?.data as CallJobData | undefined;
    if (!job || earlier?.callId === pending.callId) return;
    if (earlier?.requestFingerprint && earlier.requestFingerprint !== data.requestFingerprint) {
      throw keyReused(key, data.task);
    }
    if (job.failedReason) {
      await this.untilRedisAnswers(pending, async () => {
        await job.remove();
        await add();
      });
      return;
    }
    if (job.finishedOn) pending.complete(job.returnvalue as CallResult);
    else void this.follow(pending);
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
    if (pending.isSettled) return;
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

export type { Queue };
