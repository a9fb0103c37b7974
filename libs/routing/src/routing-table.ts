import type { AgentTask, Specialist } from '@slm-fleet/api';
import { specialistQueueName, type ToolDefinition } from '@slm-fleet/queue';
import { specialistIsReady } from './agent-task-status.js';

/** Defaults of a task that has no AgentTask (only a Specialist lists it). */
export const DEFAULT_TASK_POLICY = { priority: 0, timeoutMs: 30_000, retries: 1 } as const;
export const DEFAULT_MAX_WAITING = 1000;

/** One specialist a task's calls can go to. */
export interface SpecialistRoute {
  /** namespace/name */
  specialist: string;
  queue: string;
  weight: number;
  ready: boolean;
  /** The model name to ask the engine for (undefined: the worker's own). */
  model?: string;
  /** The LoRA adapter the engine is asked for (then also `model`). */
  adapter?: string;
  /** Calls that may wait before sheddable ones are refused. */
  maxWaiting: number;
  /** Replicas ready to take calls now (the Specialist's status.readyReplicas). */
  readyReplicas: number;
  /** Calls one replica serves at once (engine.maxConcurrency). */
  concurrency: number;
}

/** When a task's calls go to its fallback model; a trigger left unset never fires. */
export interface FallbackTriggers {
  noReadySpecialistMs?: number;
  queueDelayMs?: number;
  overflow: boolean;
  schemaFailure: boolean;
  repairFirst: boolean;
  specialistError: boolean;
  minMeanLogprob?: number;
}

export interface FallbackRoute {
  route: SpecialistRoute;
  when: FallbackTriggers;
}

export interface ShadowRoute {
  route: SpecialistRoute;
  sampleRate: number;
}

/** How the router handles calls to one task. */
export interface TaskRoute {
  name: string;
  namespace: string;
  source: 'AgentTask' | 'Specialist';
  priority: number;
  timeoutMs: number;
  retries: number;
  jsonSchema?: Record<string, unknown>;
  /** The task's tool set (AgentTask.spec.tools): calls may offer only these tools. */
  tools?: ToolDefinition[];
  /** Check every tool call's arguments, not only those of strict tools. */
  validateToolArguments: boolean;
  /** The latency the task's calls should meet (the overflow trigger's target). */
  targetLatencyMs?: number;
  routes: SpecialistRoute[];
  fallback?: FallbackRoute;
  shadow?: ShadowRoute;
}

/** AgentTask.spec.tools in the engines' shape. */
function taskTools(spec: AgentTask['spec']): ToolDefinition[] | undefined {
  if (!spec.tools?.length) return undefined;
  return spec.tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.parameters ? { parameters: tool.parameters } : {}),
      ...(tool.strict === undefined ? {} : { strict: tool.strict }),
    },
  }));
}

function routeTo(
  specialist: Specialist | undefined,
  namespace: string,
  name: string,
  weight: number,
  adapter?: string,
): SpecialistRoute {
  return {
    specialist: `${namespace}/${name}`,
    queue: specialistQueueName(namespace, name),
    weight,
    ready: specialist !== undefined && specialistIsReady(specialist),
    // Adapters of one base share its replicas and queue: only the model asked for differs.
    ...(adapter ? { model: adapter, adapter } : {}),
    maxWaiting: specialist?.spec.queue?.maxWaiting ?? DEFAULT_MAX_WAITING,
    readyReplicas: specialist?.status?.readyReplicas ?? 0,
    concurrency: specialist?.spec.engine.maxConcurrency ?? 1,
  };
}

/** AgentTask.spec.fallback.when with the CRD's defaults (objects built in code may omit them). */
function fallbackTriggers(when: NonNullable<AgentTask['spec']['fallback']>['when'] | undefined): FallbackTriggers {
  return {
    ...(when?.noReadySpecialistMs === undefined ? {} : { noReadySpecialistMs: when.noReadySpecialistMs }),
    ...(when?.queueDelayMs === undefined ? {} : { queueDelayMs: when.queueDelayMs }),
    overflow: when?.overflow ?? false,
    schemaFailure: when?.schemaFailure ?? true,
    repairFirst: when?.repairFirst ?? false,
    specialistError: when?.specialistError ?? true,
    ...(when?.minMeanLogprob === undefined ? {} : { minMeanLogprob: when.minMeanLogprob }),
  };
}

/**
 * The routing table of one namespace: every AgentTask, plus every task a Specialist lists
 * that has no AgentTask (its calls go to the Specialists listing it, equally weighted). An
 * AgentTask's reference to a missing Specialist stays in the table (not ready): its calls
 * wait in that queue until the Specialist appears or the deadline passes.
 */
export function buildRoutingTable(
  namespace: string,
  specialists: readonly Specialist[],
  agentTasks: readonly AgentTask[],
): Map<string, TaskRoute> {
  const inNamespace = specialists.filter((s) => s.metadata.namespace === namespace);
  const byName = new Map(inNamespace.map((s) => [s.metadata.name, s]));
  const table = new Map<string, TaskRoute>();

  for (const task of agentTasks) {
    if (task.metadata.namespace !== namespace) continue;
    const { spec } = task;
    const tools = taskTools(spec);
    table.set(task.metadata.name, {
      name: task.metadata.name,
      namespace,
      source: 'AgentTask',
      priority: spec.priority,
      timeoutMs: spec.timeoutMs,
      retries: spec.retries,
      ...(spec.output?.jsonSchema ? { jsonSchema: spec.output.jsonSchema } : {}),
      ...(tools ? { tools } : {}),
      validateToolArguments: spec.validateToolArguments ?? false,
      ...(spec.targetLatencyMs === undefined ? {} : { targetLatencyMs: spec.targetLatencyMs }),
      routes: spec.specialists.map((ref) =>
        routeTo(byName.get(ref.name), namespace, ref.name, ref.weight, ref.adapter),
      ),
      ...(spec.fallback
        ? {
            fallback: {
              route: routeTo(
                byName.get(spec.fallback.specialist),
                namespace,
                spec.fallback.specialist,
                1,
                spec.fallback.adapter,
              ),
              when: fallbackTriggers(spec.fallback.when),
            },
          }
        : {}),
      ...(spec.shadow
        ? {
            shadow: {
              route: routeTo(
                byName.get(spec.shadow.specialist),
                namespace,
                spec.shadow.specialist,
                1,
                spec.shadow.adapter,
              ),
              sampleRate: spec.shadow.sampleRate,
            },
          }
        : {}),
    });
  }

  for (const specialist of inNamespace) {
    for (const taskName of specialist.spec.tasks) {
      const existing = table.get(taskName);
      if (existing?.source === 'AgentTask') continue;
      const route = routeTo(specialist, namespace, specialist.metadata.name, 1);
      if (existing) existing.routes.push(route);
      else
        table.set(taskName, {
          name: taskName,
          namespace,
          source: 'Specialist',
          ...DEFAULT_TASK_POLICY,
          validateToolArguments: false,
          routes: [route],
        });
    }
  }
  for (const route of table.values()) route.routes.sort((a, b) => a.specialist.localeCompare(b.specialist));
  return table;
}

/**
 * Picks a specialist by weight among the ready ones; when none is ready, among all (the call
 * then waits in that queue, within its deadline, for a replica to come up). `random` is in [0, 1).
 */
export function pickRoute(task: TaskRoute, random: number): SpecialistRoute | undefined {
  const ready = task.routes.filter((r) => r.ready);
  const candidates = ready.length > 0 ? ready : task.routes;
  const total = candidates.reduce((sum, r) => sum + r.weight, 0);
  let point = random * total;
  for (const route of candidates) {
    point -= route.weight;
    if (point < 0) return route;
  }
  return candidates.at(-1);
}
