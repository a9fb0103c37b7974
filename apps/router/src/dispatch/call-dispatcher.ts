import type { LoggerService } from '@nestjs/common';
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
  callProtocolVersionOf,
  type CallReply,
  type CallResult,
  type RedisClient,
  type StreamDelta,
} from '@slm-fleet/queue';
import {
  fallbackForFailure,
  isLowConfidence,
  needsLogprobs,
  pickRoute,
  placeCall,
  repairBeforeFallback,
  shedding,
  taskNotFound,
  type FallbackReason,
  type SpecialistRoute,
  type TaskRoute,
  type Tier,
} from '@slm-fleet/routing';
import { jobIdFor, requestFingerprint } from './dispatch-decisions.js';
import { JobRunner, type CallJobBase, type JobAnswer } from './job-runner.js';
import type { QueueRegistry } from './queue-registry.js';
import { repairMessages } from './repair.js';
import { AnswerSizes } from './answer-sizes.js';
import { ServiceTimes } from './service-times.js';
import { ShadowCalls, type ShadowResult } from './shadow-calls.js';

/** Who is answering a call: told to the front door before the first chunk (HTTP headers). */
export interface Answerer {
  specialist: string;
  tier: Tier;
  fallbackReason?: FallbackReason;
}

export interface DispatchOptions {
  /** Absolute deadline (epoch ms); undefined: the task's timeout. */
  deadline?: number;
  onDelta?: (delta: StreamDelta) => void;
  /** Told who answers, each time that changes before the answer (a fallback); the last one answered. */
  onAnswerer?: (answerer: Answerer) => void;
  /** Fires when the caller goes away: the call is withdrawn. */
  cancelled?: AbortSignal;
  traceparent?: string;
  /** How the caller's door names fields, for errors found here (gRPC's by default). */
  fieldNames?: FieldNames;
}

export interface Answer extends Answerer {
  callId: string;
  task: TaskRoute;
  /** The LoRA adapter that answered, when the route names one. */
  adapter?: string;
  result: CallResult;
  /** The parsed answer when a JSON schema applied. */
  json?: unknown;
}

/** Told of every call queued and answered, per Specialist and per task's tier (the router's metrics). */
export interface DispatchObserver {
  onQueued(specialist: string): void;
  onAnswered(specialist: string, result: CallResult): void;
  /** A call meant for this Specialist went to the fallback on a capacity trigger: demand it did not see. */
  onDiverted(specialist: string): void;
  onTier(task: string, tier: Tier, reason: FallbackReason | undefined): void;
  onShadow(task: string, result: ShadowResult): void;
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

/** One call on its way: what every tier's attempt shares. */
interface CallInFlight {
  call: ValidCall;
  task: TaskRoute;
  base: CallJobBase;
  jobId?: string;
  priority: number;
  deadline: number;
  options: DispatchOptions;
  /** Whether the caller has seen chunks: then the answer may no longer switch tiers. */
  streamed: () => boolean;
  onDelta?: (delta: StreamDelta) => void;
}

/**
 * Routes a validated call: admits it (task, tools, shedding), places it on a tier (libs/routing's
 * placeCall: its specialist, or the fallback model when a capacity trigger fires), runs it as a
 * job on that tier's queue (JobRunner), checks the answer, and on a contract, error or
 * confidence trigger asks the fallback. Sampled calls also go to the task's shadow.
 */
export class CallDispatcher {
  private readonly runner: JobRunner;
  private readonly serviceTimes = new ServiceTimes();
  private readonly answerSizes = new AnswerSizes();
  private readonly shadows: ShadowCalls;
  private readonly random: () => number;

  constructor(private readonly deps: DispatcherDeps) {
    this.runner = new JobRunner(deps);
    this.random = deps.random ?? Math.random;
    this.shadows = new ShadowCalls({
      ...deps,
      runner: this.runner,
      onShadow: (task, result) => deps.observer.onShadow(task, result),
      random: this.random,
    });
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  get inFlight(): number {
    return this.runner.inFlight;
  }

  onReply(reply: CallReply): void {
    this.runner.onReply(reply);
  }

  /** After trouble with Redis: check every waiting call against its job now. */
  recheckAll(): void {
    this.runner.recheckAll();
  }

  async dispatch(call: ValidCall, options: DispatchOptions): Promise<Answer> {
    const now = Date.now();
    const task = this.admit(call, options);
    const route = pickRoute(task, this.random());
    if (!route) {
      throw new CallFailure('UNAVAILABLE', 'NO_SPECIALIST', `task ${call.task} has no specialist to run it`);
    }
    const priority = call.priority ?? task.priority;
    const load = this.deps.queues.load(route.queue, now, route.specialist);
    const placement = placeCall(task, route, {
      waiting: load.waiting,
      active: load.active,
      ...this.serviceTimes.of(route.specialist),
    });
    if (placement.tier === 'fallback') this.deps.observer.onDiverted(route.specialist);
    // A sheddable call is refused only by the queue it would wait in: an overflowing call is
    // the fallback's.
    const target = placement.route;
    const targetWaiting =
      target === route ? load.waiting : this.deps.queues.waiting(target.queue, now, target.specialist);
    const refusal = shedding(priority, targetWaiting, target);
    if (refusal) throw refusal;
    const deadline = options.deadline ?? now + task.timeoutMs;
    if (deadline <= now) {
      throw new CallFailure('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'the deadline passed before the call was queued');
    }
    let streamed = false;
    const onDelta = options.onDelta;
    const flight: CallInFlight = {
      call,
      task,
      base: this.jobBase(call, task, options, needsLogprobs(task)),
      ...(call.idempotencyKey ? { jobId: jobIdFor(task.name, call.idempotencyKey) } : {}),
      priority,
      deadline,
      options,
      streamed: () => streamed,
      ...(onDelta
        ? {
            onDelta: (delta: StreamDelta) => {
              streamed = true;
              onDelta(delta);
            },
          }
        : {}),
    };
    const shadow =
      task.shadow &&
      this.shadows.begin({
        task,
        // Without the logprobs asked for the confidence trigger: the shadow is compared, not judged.
        base: flight.base.params === call.params ? flight.base : { ...flight.base, params: call.params },
        ...(flight.jobId ? { jobId: flight.jobId } : {}),
        deadline,
        ...((call.jsonSchema ?? task.jsonSchema) ? { jsonSchema: call.jsonSchema ?? task.jsonSchema } : {}),
        ...(call.tools ? { tools: call.tools } : {}),
      });
    try {
      const answer =
        placement.tier === 'fallback'
          ? await this.fromFallback(flight, placement.reason)
          : await this.fromSpecialist(flight, route, placement.fallBackIfNoReplicaInMs);
      shadow?.(answer.result);
      this.deps.observer.onTier(task.name, answer.tier, answer.fallbackReason);
      return answer;
    } catch (error) {
      shadow?.(undefined);
      throw error;
    }
  }

  private admit(call: ValidCall, options: DispatchOptions): TaskRoute {
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
    return task;
  }

  /** The job data every tier shares; `withLogprobs` asks for them for the confidence trigger. */
  private jobBase(call: ValidCall, task: TaskRoute, options: DispatchOptions, withLogprobs: boolean): CallJobBase {
    const params = withLogprobs && !call.params.logprobs ? { ...call.params, logprobs: true } : call.params;
    const tools = toolOptions(call);
    const jsonSchema = call.jsonSchema ?? task.jsonSchema;
    return {
      v: callProtocolVersionOf({ messages: call.messages, params, ...tools }),
      task: `${task.namespace}/${task.name}`,
      messages: call.messages,
      params,
      ...tools,
      ...(jsonSchema ? { jsonSchema } : {}),
      replyTo: this.deps.replyTo,
      retries: task.retries,
      ...(options.traceparent ? { traceparent: options.traceparent } : {}),
      ...(call.sessionKey ? { sessionKey: call.sessionKey } : {}),
      ...(call.idempotencyKey ? { requestFingerprint: requestFingerprint(call) } : {}),
    };
  }

  private async fromSpecialist(
    flight: CallInFlight,
    route: SpecialistRoute,
    fallBackIfNoReplicaInMs: number | undefined,
  ): Promise<Answer> {
    const when = flight.task.fallback?.when;
    let result: CallResult | undefined;
    try {
      const ran = await this.runOn(flight, route, 'specialist', undefined, fallBackIfNoReplicaInMs);
      result = ran.result;
      const answer = this.checked(flight, route, ran, 'specialist');
      if (!flight.streamed() && isLowConfidence(when, result.logprobs)) {
        return await this.fromFallback(flight, 'low_confidence');
      }
      return answer;
    } catch (error) {
      if (!(error instanceof CallFailure)) throw error;
      const reason =
        error.reason === 'NO_READY_REPLICA'
          ? 'no_ready_replica'
          : fallbackForFailure(when, error.reason, flight.streamed());
      if (!reason) throw error;
      if (result && repairBeforeFallback(when, error.reason)) {
        const repaired = await this.repair(flight, route, result, error).catch(() => undefined);
        if (repaired) return repaired;
      }
      return this.fromFallback(flight, reason);
    }
  }

  /** One more try on the specialist with its invalid answer and what was wrong with it. */
  private async repair(
    flight: CallInFlight,
    route: SpecialistRoute,
    invalid: CallResult,
    failure: CallFailure,
  ): Promise<Answer> {
    const repairFlight: CallInFlight = {
      ...flight,
      base: { ...flight.base, messages: repairMessages(flight.base.messages, invalid, failure.message) },
      ...(flight.jobId ? { jobId: `${flight.jobId}.repair` } : {}),
    };
    return this.checked(repairFlight, route, await this.runOn(repairFlight, route, 'specialist'), 'specialist');
  }

  private async fromFallback(flight: CallInFlight, reason: FallbackReason): Promise<Answer> {
    const fallback = flight.task.fallback;
    if (!fallback) throw new Error(`task ${flight.task.name} has no fallback; ${reason} cannot send it there`);
    // The logprobs asked for the confidence trigger are not the fallback's business.
    const base = { ...flight.base, params: flight.call.params };
    const ran = await this.runOn({ ...flight, base }, fallback.route, 'fallback', reason);
    return this.checked(flight, fallback.route, ran, 'fallback', reason);
  }

  private async runOn(
    flight: CallInFlight,
    route: SpecialistRoute,
    tier: Tier,
    reason?: FallbackReason,
    fallBackIfNoReplicaInMs?: number,
  ): Promise<JobAnswer> {
    flight.options.onAnswerer?.({ specialist: route.specialist, tier, ...(reason ? { fallbackReason: reason } : {}) });
    // Shortest expected first within the call's priority level, from what this Specialist (the
    // fallback's own, on that tier) answered lately; promoted if it waits too long.
    const order = this.answerSizes.order(
      route.specialist,
      flight.base.task,
      flight.priority,
      flight.base.params,
      flight.deadline - Date.now(),
    );
    const answer = await this.runner.run({
      route,
      base: flight.base,
      ...(flight.jobId ? { jobId: flight.jobId } : {}),
      ...(flight.call.idempotencyKey ? { idempotencyKey: flight.call.idempotencyKey } : {}),
      bullPriority: order.bullPriority,
      ...(order.promote ? { promote: order.promote } : {}),
      deadline: flight.deadline,
      ...(flight.onDelta ? { onDelta: flight.onDelta } : {}),
      ...(flight.options.cancelled ? { cancelled: flight.options.cancelled } : {}),
      ...(fallBackIfNoReplicaInMs === undefined
        ? {}
        : { giveUp: { afterMs: fallBackIfNoReplicaInMs, stillGiveUp: () => this.noReplicaReady(flight.task, route) } }),
      onQueued: () => this.deps.observer.onQueued(route.specialist),
    });
    this.deps.observer.onAnswered(route.specialist, answer.result);
    this.serviceTimes.observe(route.specialist, answer.result.timings.serviceMs);
    this.answerSizes.observe(route.specialist, flight.base.task, answer.result);
    return answer;
  }

  /** Holds the answer to the call's tool contract and JSON schema; a failure is a CallFailure. */
  private checked(
    flight: CallInFlight,
    route: SpecialistRoute,
    { jobId, result: raw }: JobAnswer,
    tier: Tier,
    reason?: FallbackReason,
  ): Answer {
    const { call, task } = flight;
    // Logprobs the router asked for on its own account are not part of the answer.
    const result = call.params.logprobs || raw.logprobs === undefined ? raw : withoutLogprobs(raw);
    const tools = toolOptions(call);
    checkToolCalls(
      result.toolCalls,
      { ...tools, validateArguments: task.validateToolArguments },
      this.deps.validators,
      route.specialist,
    );
    // An answer that calls tools has no text to hold to the output schema.
    const schema = result.toolCalls?.length ? undefined : (call.jsonSchema ?? task.jsonSchema);
    const json = schema ? checkOutput(result.output, schema, this.deps.validators, route.specialist) : undefined;
    return {
      callId: jobId,
      task,
      specialist: route.specialist,
      tier,
      ...(reason ? { fallbackReason: reason } : {}),
      ...(route.adapter ? { adapter: route.adapter } : {}),
      result,
      ...(schema ? { json } : {}),
    };
  }

  /** Whether the route still has no ready replica, as the routing table says now. */
  private noReplicaReady(task: TaskRoute, route: SpecialistRoute): boolean {
    const now = this.deps
      .routingTable()
      .get(task.name)
      ?.routes.find((r) => r.specialist === route.specialist);
    return (now ?? route).readyReplicas === 0;
  }
}

/** The call's tool fields, as the job data and the tool-call check take them. */
function toolOptions(call: ValidCall): Pick<CallJobBase, 'tools' | 'toolChoice' | 'parallelToolCalls'> {
  return {
    ...(call.tools ? { tools: call.tools } : {}),
    ...(call.toolChoice ? { toolChoice: call.toolChoice } : {}),
    ...(call.parallelToolCalls === undefined ? {} : { parallelToolCalls: call.parallelToolCalls }),
  };
}

function withoutLogprobs(result: CallResult): CallResult {
  const rest = { ...result };
  delete rest.logprobs;
  return rest;
}
