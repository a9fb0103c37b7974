// Whether a call is taken at all: its task exists, and a sheddable call finds room in the queue.
import { CallFailure } from '@slm-fleet/calls';
import type { SpecialistRoute, TaskRoute } from './routing-table.js';

/**
 * Sheddable calls (negative priority) are refused while the queue holds its bound; others
 * always queue (their deadline bounds the wait).
 */
export function shedding(priority: number, waiting: number, route: SpecialistRoute): CallFailure | undefined {
  if (priority >= 0 || waiting < route.maxWaiting) return undefined;
  return new CallFailure(
    'RESOURCE_EXHAUSTED',
    'QUEUE_FULL',
    `sheddable call (priority ${priority}) refused: ${route.specialist} has ${waiting} calls waiting, its bound is ${route.maxWaiting} (spec.queue.maxWaiting); retry later or call with priority >= 0`,
  );
}

/** NOT_FOUND for an unknown task, listing the tasks there are so the caller can fix a typo. */
export function taskNotFound(task: string, namespace: string, table: ReadonlyMap<string, TaskRoute>): CallFailure {
  const known = [...table.keys()].sort();
  const list = known.length === 0 ? 'none yet' : known.slice(0, 20).join(', ') + (known.length > 20 ? ', ...' : '');
  return new CallFailure(
    'NOT_FOUND',
    'TASK_NOT_FOUND',
    `no task named "${task}" in namespace ${namespace} (no AgentTask, and no Specialist lists it); tasks: ${list}`,
  );
}
