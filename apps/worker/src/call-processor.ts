import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { OpenAIClient } from '@slm-fleet/engines';
import {
  SUPPORTED_CALL_PROTOCOL_VERSIONS,
  decodeCallError,
  encodeCallError,
  type CallJobData,
  type CallResult,
  type StreamDelta,
} from '@slm-fleet/queue';
import { ABORT, afterAbort, afterRateLimit, isPastDeadline, nextStep, type FinalStep } from './call-policy.js';
import { ChunkBatcher } from './chunk-batcher.js';
import type { CallLimits } from './endpoint-limits.js';
import { IdleGaps } from './idle-gaps.js';
import { callResult, doneReply, engineRequest, errorReply, type ReplySender } from './replies.js';
import type { CallOutcome, WorkerMetrics } from './worker-metrics.js';

export interface CallProcessorDeps {
  engine: Pick<OpenAIClient, 'chatCompletionStream'>;
  send: ReplySender;
  replica: string;
  specialist: string;
  /** The model to ask for when a call names none. */
  model?: string;
  metrics: WorkerMetrics;
  logger: LoggerService;
  /** The endpoint's budgets (token budget, queue pause on a 429). */
  limits: CallLimits;
  /** Calls this worker runs at once: its slots, for the idle gap between calls. */
  concurrency: number;
  /** Told how far along each call is (the look-ahead gate). */
  progress?: CallProgressObserver;
}

/** Follows each call on the engine: its start, each token, its end. */
export interface CallProgressObserver {
  begin(jobId: string, maxTokens: number | undefined): void;
  progress(jobId: string): void;
  ended(jobId: string): void;
}

/** A BullMQ processor. Three declared parameters: BullMQ only passes the signal to those. */
export type CallProcessor = (
  job: Job<CallJobData, CallResult>,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<CallResult>;

/**
 * A call's handling: `process` runs it (BullMQ's processor); `completed` and `failed` tell the
 * router once BullMQ has stored the job's end (its 'completed' and 'failed' events).
 */
export interface CallHandler {
  process: CallProcessor;
  completed(job: Job<CallJobData, CallResult>, result: CallResult): void;
  failed(job: Job<CallJobData, CallResult>): void;
}

/** setTimeout's limit; a later deadline would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one call: the engine request with retries, streamed chunks, and exactly one final
 * reply (done or error) unless the job is handed back to the queue. A failed call fails its
 * job unrecoverably: the retries that make sense already happened here.
 *
 * The final reply goes out only after BullMQ has stored the job's end, never before: a worker
 * killed between the two would leave an answered job active, and the stalled check would run
 * it again on the engine. Killed after storing and before replying, the router finds the
 * answer in the job within a second (its sweep) and nothing runs twice. The cost is the reply
 * waiting for the completion's round trip.
 */
export function createCallProcessor(deps: CallProcessorDeps): CallHandler {
  const labels = { specialist: deps.specialist };
  const gaps = new IdleGaps(deps.concurrency);
  const observeGap = (gapMs: number | undefined): void => {
    if (gapMs !== undefined) deps.metrics.idleGap.observe(labels, gapMs / 1000);
  };

  /** The answer, or what to do instead. */
  const run = async (
    data: CallJobData,
    token: string | undefined,
    signal: AbortSignal | undefined,
    startedAt: number,
    onToken: () => void,
  ): Promise<CallResult | FinalStep> => {
    if (!SUPPORTED_CALL_PROTOCOL_VERSIONS.includes(data.v)) {
      return { action: 'fail', error: { kind: 'invalid', message: `call protocol v${String(data.v)} not supported` } };
    }
    if (isPastDeadline(data.deadline, startedAt)) {
      return {
        action: 'fail',
        error: { kind: 'deadline', message: 'the deadline passed before a worker took the call' },
      };
    }
    const tokenWaitMs = await deps.limits.tokenWaitMs(startedAt);
    if (tokenWaitMs > 0) {
      return afterRateLimit(
        tokenWaitMs,
        { deadline: data.deadline, now: startedAt },
        "the queue's tokens per minute are spent",
      );
    }
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(ABORT.deadline), Math.min(MAX_TIMER_MS, data.deadline - startedAt));
    // BullMQ's signal fires on cancel and drain, ours at the deadline; the first reason wins.
    const callSignal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    const request = engineRequest(data, deps.model);
    try {
      for (let attempts = 1; ; attempts++) {
        if (callSignal.aborted) return afterAbort(callSignal.reason);
        const chunks = data.stream
          ? new ChunkBatcher(
              data.callId,
              `${deps.replica}:${token ?? 'no-token'}:${attempts}`,
              (replies) => deps.send(data.replyTo, replies),
              (error) => deps.logger.warn({ msg: 'chunk reply not sent', callId: data.callId, error: String(error) }),
            )
          : undefined;
        try {
          const onDelta = chunks
            ? (delta: StreamDelta) => {
                onToken();
                chunks.add(delta);
              }
            : onToken;
          const answer = await deps.engine.chatCompletionStream(request, { signal: callSignal, onDelta });
          await chunks?.flush();
          const finishedAt = Date.now();
          await spend(data, answer.usage.promptTokens + answer.usage.completionTokens, finishedAt);
          return callResult(data, answer, { startedAt, finishedAt }, deps.replica);
        } catch (error) {
          await chunks?.flush();
          const step = nextStep(error, { attempts, retries: data.retries, deadline: data.deadline, now: Date.now() });
          if (step.action !== 'retry') return step;
          deps.logger.warn({
            msg: 'engine call failed; retrying',
            callId: data.callId,
            attempts,
            error: String(error),
          });
          // An abort while waiting ends the wait; the loop's first line then reports it.
          await sleep(step.delayMs, undefined, { signal: callSignal }).catch(() => undefined);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  };

  /** The budget is best effort: a call already answered is not failed for the bookkeeping. */
  const spend = async (data: CallJobData, tokens: number, now: number): Promise<void> => {
    try {
      await deps.limits.spendTokens(tokens, now);
    } catch (error) {
      deps.logger.warn({ msg: 'tokens not counted in the budget', callId: data.callId, error: String(error) });
    }
  };

  /** Replies are best effort: the job's return value or failedReason still tells the router. */
  const reply = async (data: CallJobData, replies: Parameters<ReplySender>[1]): Promise<void> => {
    try {
      await deps.send(data.replyTo, replies);
    } catch (error) {
      deps.logger.error({ msg: 'reply not sent', callId: data.callId, error: String(error) });
    }
  };

  const processCall = async (
    job: Job<CallJobData, CallResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CallResult> => {
    const startedAt = Date.now();
    const data = job.data;
    const jobId = job.id ?? data.callId;
    observeGap(gaps.callStarted(data.enqueuedAt));
    deps.progress?.begin(jobId, data.params.max_tokens);
    const onToken = deps.progress ? () => deps.progress?.progress(jobId) : () => undefined;
    let outcome: CallOutcome = 'engine';
    deps.metrics.inFlight.inc(labels);
    try {
      const answer = await run(data, token, signal, startedAt, onToken);
      if ('output' in answer) {
        outcome = 'ok';
        return answer;
      }
      if (answer.action === 'hand-back') {
        outcome = 'handed_back';
        // Back to the wait list, where another worker takes it; WaitingError tells BullMQ
        // the job has moved, so it neither completes nor fails it.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (answer.action === 'rate-limit') {
        outcome = 'rate_limited';
        deps.logger.log({ msg: 'endpoint rate limited; pausing the queue', callId: data.callId, ms: answer.delayMs });
        // The pause first: BullMQ puts the job back on the wait list (keeping its priority,
        // counting no attempt, emitting no 'failed', so no reply goes out) and reads the pause
        // from Redis to stop this worker too; the others see it when they next fetch a job.
        await deps.limits.pauseQueue(answer.delayMs);
        throw Worker.RateLimitError();
      }
      outcome = answer.error.kind;
      if (answer.error.kind !== 'deadline' && answer.error.kind !== 'cancelled') {
        deps.logger.warn({ msg: 'call failed', callId: data.callId, error: answer.error });
      }
      throw new UnrecoverableError(encodeCallError(answer.error));
    } finally {
      deps.progress?.ended(jobId);
      observeGap(gaps.callEnded());
      deps.metrics.inFlight.dec(labels);
      deps.metrics.calls.inc({ ...labels, outcome });
      deps.metrics.callDuration.observe({ ...labels, outcome }, (Date.now() - startedAt) / 1000);
    }
  };
  return {
    process: processCall,
    completed: (job, result) => void reply(job.data, [doneReply(job.data.callId, result)]),
    failed: (job) => void reply(job.data, [errorReply(job.data.callId, decodeCallError(job.failedReason))]),
  };
}
