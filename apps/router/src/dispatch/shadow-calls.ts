import type { LoggerService } from '@nestjs/common';
import type { SchemaValidators } from '@slm-fleet/calls';
import {
  SIZE_CLASSES,
  bullPriority,
  shadowStatsKey,
  type CallResult,
  type RedisClient,
  type ToolDefinition,
} from '@slm-fleet/queue';
import { compareAnswers, sendToShadow, type TaskRoute } from '@slm-fleet/routing';
import type { CallJobBase, JobRunner } from './job-runner.js';
import type { QueueRegistry } from './queue-registry.js';

/**
 * The last BullMQ priority: the lowest task priority's longest size class, never promoted, so
 * a shadow call never goes before a live one (it shares its place only with live calls of
 * priority -1000 expected to run 32768 tokens, in arrival order).
 */
const SHADOW_BULL_PRIORITY = bullPriority(-1000, SIZE_CLASSES - 1);
/** A task's agreement counters outlive a quiet week, not more. */
const STATS_TTL_SECONDS = 7 * 24 * 3600;

export type ShadowResult = 'agree' | 'disagree' | 'shadow_failed' | 'shed';

export interface ShadowDeps {
  runner: Pick<JobRunner, 'run'>;
  queues: Pick<QueueRegistry, 'waiting'>;
  redis: RedisClient;
  queuePrefix: string;
  validators: SchemaValidators;
  logger: LoggerService;
  onShadow: (task: string, result: ShadowResult) => void;
  random: () => number;
}

/** What the shadow copy of a live call needs. */
export interface ShadowCall {
  task: TaskRoute;
  base: CallJobBase;
  jobId?: string;
  deadline: number;
  jsonSchema?: Record<string, unknown>;
  tools?: ToolDefinition[];
}

/**
 * Shadow testing: a sampled share of a task's live calls also goes to the shadow Specialist,
 * at the lowest priority, never into a full queue, and never waited on by the caller. When
 * both answers are in they are compared (libs/routing's compareAnswers), and the result is
 * counted in the router's metrics and in the task's Redis hash that the operator publishes in
 * AgentTask status. A live call that failed has nothing to compare with and is not counted.
 */
export class ShadowCalls {
  constructor(private readonly deps: ShadowDeps) {}

  /** Starts the shadow of a live call when sampled; the returned function takes the live answer. */
  begin(call: ShadowCall): ((live: CallResult | undefined) => void) | undefined {
    const shadow = call.task.shadow;
    if (!shadow) return undefined;
    const now = Date.now();
    const waiting = this.deps.queues.waiting(shadow.route.queue, now, shadow.route.specialist);
    const decision = sendToShadow(shadow, this.deps.random(), waiting);
    if (decision === 'shed') this.deps.onShadow(call.task.name, 'shed');
    if (decision !== 'send') return undefined;
    // The hash is named after the Specialist (namespace/name in the route).
    const shadowName = shadow.route.specialist.slice(shadow.route.specialist.indexOf('/') + 1);
    const answer = this.deps.runner
      .run({
        route: shadow.route,
        base: call.base,
        ...(call.jobId ? { jobId: call.jobId } : {}),
        bullPriority: SHADOW_BULL_PRIORITY,
        // At the lowest priority it may wait longer than the live call; it still ends.
        deadline: Math.max(call.deadline, now + call.task.timeoutMs),
      })
      .then(({ result }) => result)
      .catch(() => undefined);
    return (live) => {
      if (live === undefined) return;
      void answer.then((shadowAnswer) => this.record(call, shadowName, live, shadowAnswer));
    };
  }

  private async record(
    call: ShadowCall,
    shadowName: string,
    live: CallResult,
    shadow: CallResult | undefined,
  ): Promise<void> {
    const task = call.task;
    const agreement =
      shadow &&
      compareAnswers({
        live,
        shadow,
        ...(call.jsonSchema ? { jsonSchema: call.jsonSchema } : {}),
        ...(call.tools ? { tools: call.tools } : {}),
        validator: this.deps.validators,
      });
    const result: ShadowResult = !agreement ? 'shadow_failed' : agreement.agree ? 'agree' : 'disagree';
    this.deps.onShadow(task.name, result);
    const key = shadowStatsKey(this.deps.queuePrefix, task.namespace, task.name, shadowName);
    const multi = this.deps.redis.multi().hsetnx(key, 'since', String(Date.now()));
    if (!agreement) multi.hincrby(key, 'shadowFailed', 1);
    else {
      multi.hincrby(key, 'compared', 1);
      if (agreement.agree) multi.hincrby(key, 'agreed', 1);
      if (agreement.shadowSchemaValid !== false) multi.hincrby(key, 'schemaValid', 1);
    }
    try {
      await multi.expire(key, STATS_TTL_SECONDS).exec();
    } catch (error) {
      this.deps.logger.warn?.({ msg: 'shadow agreement not recorded', task: task.name, error: String(error) });
    }
  }
}
