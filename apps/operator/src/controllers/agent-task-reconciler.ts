import {
  API_VERSION,
  agentTaskSpecError,
  findCondition,
  withInvalidSpec,
  type AgentTask,
  type Specialist,
} from '@slm-fleet/api';
import type { Informer, ServerSideApplier } from '@slm-fleet/k8s';
import { agentTaskStatus } from '@slm-fleet/routing';
import type { EventRecorder } from '../events.js';
import { sameAsStored } from './same-as-stored.js';

export interface AgentTaskReconcilerDeps {
  agentTasks: Informer<AgentTask>;
  specialists: Informer<Specialist>;
  applier: ServerSideApplier;
  events: EventRecorder;
  /**
   * The routers' agreement counts of a task's shadow (HGETALL of its shadowStatsKey); undefined
   * when Redis cannot be read (the status then keeps its last counts). Absent without Redis.
   */
  shadowStats?: (namespace: string, task: string, shadow: string) => Promise<Record<string, string> | undefined>;
  now?: () => string;
}

/**
 * Resolves an AgentTask's Specialists and writes the routing view, the fallback's readiness,
 * the shadow's agreement (from Redis) and the Ready condition; a task whose JSON Schema does not
 * compile is Ready=False, InvalidSpec, naming the field.
 */
export class AgentTaskReconciler {
  constructor(private readonly deps: AgentTaskReconcilerDeps) {}

  async reconcile(key: string): Promise<void> {
    const task = this.deps.agentTasks.get(key);
    if (!task || task.metadata.deletionTimestamp) return;
    const specialists = new Map(
      this.deps.specialists
        .list()
        .filter((s) => s.metadata.namespace === task.metadata.namespace)
        .map((s) => [s.metadata.name, s]),
    );
    const now = this.deps.now?.() ?? new Date().toISOString();
    const shadow = task.spec.shadow?.specialist;
    const shadowStats =
      shadow === undefined
        ? undefined
        : await this.deps.shadowStats?.(task.metadata.namespace, task.metadata.name, shadow);
    const routing = agentTaskStatus(task, specialists, now, shadowStats === undefined ? {} : { shadowStats });
    // What the API server cannot check: the task's JSON Schemas compile (as the router's will).
    const invalid = agentTaskSpecError(task.spec);
    const status = invalid === undefined ? routing : withInvalidSpec(task, routing, invalid, now);
    if (sameAsStored(task.status, status)) return;
    await this.deps.applier.applyStatus(
      { apiVersion: API_VERSION, kind: 'AgentTask', metadata: task.metadata, status },
      'agenttasks',
    );
    const before = findCondition(task.status?.conditions, 'Ready');
    const after = findCondition(status.conditions, 'Ready');
    if (after && (before?.status !== after.status || before.reason !== after.reason)) {
      await this.deps.events.record(task, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message);
    }
  }
}
