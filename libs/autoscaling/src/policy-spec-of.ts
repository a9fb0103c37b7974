// From a Specialist and the AgentTasks routed to it to the policy's settings and priority.
// Pure; the operator and local mode both use it.
import type { AgentTask, Specialist } from '@slm-fleet/api';
import type { ScalingPolicySpec } from './types.js';

/** The Specialist's scaling settings, with the strictest latency target of its tasks. */
export function policySpecOf(specialist: Specialist, tasks: readonly AgentTask[]): ScalingPolicySpec {
  const { scaling, engine } = specialist.spec;
  const targets = [scaling.targetLatencyMs, ...tasksServedBy(specialist, tasks).map((t) => t.spec.targetLatencyMs)];
  const known = targets.filter((t): t is number => typeof t === 'number' && t > 0);
  return {
    minReplicas: scaling.minReplicas,
    maxReplicas: scaling.maxReplicas,
    targetQueuePerReplica: scaling.targetQueuePerReplica,
    maxConcurrency: engine.maxConcurrency,
    scaleDownDelaySeconds: scaling.scaleDownDelaySeconds,
    ...(known.length > 0 ? { targetLatencyMs: Math.min(...known) } : {}),
  };
}

/**
 * The highest priority among the tasks it serves: AgentTasks routing to it, and 0 for a task
 * it lists that has no AgentTask (such calls run at the default priority).
 */
export function priorityOf(specialist: Specialist, tasks: readonly AgentTask[]): number {
  const served = tasksServedBy(specialist, tasks);
  const withoutTask = specialist.spec.tasks.some((name) => !tasks.some((t) => sameTask(t, specialist, name)));
  const priorities = [...served.map((t) => t.spec.priority), ...(withoutTask || served.length === 0 ? [0] : [])];
  return Math.max(...priorities);
}

function tasksServedBy(specialist: Specialist, tasks: readonly AgentTask[]): AgentTask[] {
  return tasks.filter(
    (task) =>
      task.metadata.namespace === specialist.metadata.namespace &&
      task.spec.specialists.some((ref) => ref.name === specialist.metadata.name),
  );
}

function sameTask(task: AgentTask, specialist: Specialist, name: string): boolean {
  return task.metadata.namespace === specialist.metadata.namespace && task.metadata.name === name;
}
