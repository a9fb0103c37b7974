// Which tier answers a call: its specialist, or the task's fallback model, and why. Pure: the
// router gathers the inputs (the call's route, the queue's depth, the service time it has seen)
// and executes the decision.
import type { TokenLogprob } from '@slm-fleet/queue';
import { predictQueueWaitMs, shouldOverflow } from './overflow.js';
import type { FallbackTriggers, SpecialistRoute, TaskRoute } from './routing-table.js';

/** Why the fallback answered: the value of answered_by.fallback_reason and x-slm-fallback-reason. */
export type FallbackReason =
  'no_ready_replica' | 'queue_delay' | 'overflow' | 'invalid_output' | 'specialist_error' | 'low_confidence';

export type Tier = 'specialist' | 'fallback';

/** What the router knows of a specialist queue's load when a call arrives. */
export interface QueueLoad {
  /** Calls waiting in the queue (not yet taken by a replica). */
  waiting: number;
  /** Calls the replicas hold now, when known. */
  active?: number;
  /** Mean time a replica takes per call, as seen lately; undefined before any answer. */
  meanServiceMs?: number;
  /** A high percentile of recent service times: a waiting call's own service (overflow). */
  serviceTailMs?: number;
}

/** Where a call goes when it arrives. */
export type Placement =
  | {
      tier: 'specialist';
      route: SpecialistRoute;
      /** No replica is ready: fall back if none is within this many ms (the call waits in the queue meanwhile). */
      fallBackIfNoReplicaInMs?: number;
    }
  | { tier: 'fallback'; route: SpecialistRoute; reason: FallbackReason };

/**
 * The capacity triggers, decided when the call arrives (not discovered after waiting): no ready
 * replica, a predicted queue wait over `queueDelayMs`, or a predicted wait plus service time
 * over the task's latency target (overflow: only the excess of a burst goes to the fallback,
 * because the prediction drops as the queue drains or replicas become ready).
 */
export function placeCall(task: TaskRoute, route: SpecialistRoute, load: QueueLoad): Placement {
  const fallback = task.fallback;
  if (!fallback) return { tier: 'specialist', route };
  const { when } = fallback;
  if (route.readyReplicas === 0) {
    if (when.noReadySpecialistMs === undefined) return { tier: 'specialist', route };
    if (when.noReadySpecialistMs === 0) return { tier: 'fallback', route: fallback.route, reason: 'no_ready_replica' };
    return { tier: 'specialist', route, fallBackIfNoReplicaInMs: when.noReadySpecialistMs };
  }
  if (load.meanServiceMs === undefined) return { tier: 'specialist', route };
  const predictedWaitMs = predictQueueWaitMs({
    waiting: load.waiting,
    readyReplicas: route.readyReplicas,
    concurrency: route.concurrency,
    meanServiceMs: load.meanServiceMs,
    ...(load.active === undefined ? {} : { inFlight: load.active }),
  });
  if (when.queueDelayMs !== undefined && predictedWaitMs > when.queueDelayMs) {
    return { tier: 'fallback', route: fallback.route, reason: 'queue_delay' };
  }
  if (
    when.overflow &&
    task.targetLatencyMs !== undefined &&
    shouldOverflow({
      predictedWaitMs,
      meanServiceMs: load.meanServiceMs,
      targetLatencyMs: task.targetLatencyMs,
      serviceTailMs: load.serviceTailMs,
    })
  ) {
    return { tier: 'fallback', route: fallback.route, reason: 'overflow' };
  }
  return { tier: 'specialist', route };
}

/** The router's failure reasons that mean the answer broke the task's contract. */
const INVALID_OUTPUT = new Set(['OUTPUT_SCHEMA_MISMATCH', 'TOOL_ARGUMENTS_INVALID', 'TOOL_CHOICE_VIOLATED']);

/**
 * Whether a specialist's failure goes to the fallback: its output broke the schema or the tool
 * contract (schemaFailure), or it failed after its retries (specialistError). Never once the
 * caller has seen the specialist's chunks: a stream does not switch models mid-answer.
 */
export function fallbackForFailure(
  when: FallbackTriggers | undefined,
  failureReason: string,
  streamedToCaller: boolean,
): FallbackReason | undefined {
  if (!when || streamedToCaller) return undefined;
  if (when.schemaFailure && INVALID_OUTPUT.has(failureReason)) return 'invalid_output';
  if (when.specialistError && failureReason === 'SPECIALIST_FAILED') return 'specialist_error';
  return undefined;
}

/** Whether an invalid answer is first asked again of the specialist, with the validation error. */
export function repairBeforeFallback(when: FallbackTriggers | undefined, failureReason: string): boolean {
  return when !== undefined && when.schemaFailure && when.repairFirst && INVALID_OUTPUT.has(failureReason);
}

/** The mean of the answer's token logprobs; undefined when the engine gave none. */
export function meanLogprob(logprobs: readonly TokenLogprob[] | undefined): number | undefined {
  if (!logprobs?.length) return undefined;
  return logprobs.reduce((sum, entry) => sum + entry.logprob, 0) / logprobs.length;
}

/** Low confidence: the mean token logprob under the task's threshold. Without logprobs it cannot fire. */
export function isLowConfidence(when: FallbackTriggers | undefined, logprobs: readonly TokenLogprob[] | undefined) {
  if (when?.minMeanLogprob === undefined) return false;
  const mean = meanLogprob(logprobs);
  return mean !== undefined && mean < when.minMeanLogprob;
}

/** Whether to ask the engine for logprobs the caller did not ask for: the confidence trigger needs them. */
export function needsLogprobs(task: TaskRoute): boolean {
  return task.fallback?.when.minMeanLogprob !== undefined;
}

/** Whether a call also goes to the shadow: sampled at its rate, and never into a full queue (a shadow is sheddable). */
export function sendToShadow(
  shadow: TaskRoute['shadow'],
  random: number,
  shadowWaiting: number,
): 'send' | 'not_sampled' | 'shed' {
  if (!shadow || random >= shadow.sampleRate) return 'not_sampled';
  return shadowWaiting >= shadow.route.maxWaiting ? 'shed' : 'send';
}
