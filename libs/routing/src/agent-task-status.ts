import {
  findCondition,
  setCondition,
  type AgentTask,
  type AgentTaskStatus,
  type Condition,
  type Specialist,
} from '@slm-fleet/api';
import { specialistQueueName } from '@slm-fleet/queue';

/** A Specialist can take calls when its Ready condition is True (scaled to zero included: calls wait in its queue). */
export const specialistIsReady = (specialist: Specialist): boolean =>
  findCondition(specialist.status?.conditions, 'Ready')?.status === 'True';

/**
 * Resolves an AgentTask's references against the Specialists of its namespace: the routing
 * view (each specialist's share of calls while ready) and a Ready condition that says which
 * reference is missing or not ready.
 */
export function agentTaskStatus(
  task: AgentTask,
  specialists: ReadonlyMap<string, Specialist>,
  now: string,
): AgentTaskStatus {
  const refs = task.spec.specialists;
  const isReady = (name: string): boolean => {
    const specialist = specialists.get(name);
    return specialist !== undefined && specialistIsReady(specialist);
  };
  const ready = new Set(refs.map((r) => r.name).filter(isReady));
  const readyWeight = refs.filter((r) => ready.has(r.name)).reduce((sum, r) => sum + r.weight, 0);
  const routes = refs.map((r) => ({
    specialist: r.name,
    weight: r.weight,
    sharePercent: ready.has(r.name) && readyWeight > 0 ? Math.round((r.weight / readyWeight) * 1000) / 10 : 0,
    ready: ready.has(r.name),
    queue: specialistQueueName(task.metadata.namespace, r.name),
  }));

  const referenced = [...refs.map((r) => r.name), ...(task.spec.shadow ? [task.spec.shadow.specialist] : [])];
  const missing = referenced.filter((name) => !specialists.has(name));
  const notReady = refs.map((r) => r.name).filter((name) => specialists.has(name) && !ready.has(name));
  const condition = ((): Omit<Condition, 'lastTransitionTime'> => {
    const base = {
      type: 'Ready',
      ...(task.metadata.generation === undefined ? {} : { observedGeneration: task.metadata.generation }),
    };
    if (missing.length > 0) {
      return {
        ...base,
        status: 'False',
        reason: 'SpecialistNotFound',
        message: `no Specialist named ${missing.join(', ')} in namespace ${task.metadata.namespace}`,
      };
    }
    if (notReady.length > 0) {
      const reason = ready.size === 0 ? 'NoReadySpecialist' : 'SpecialistNotReady';
      return {
        ...base,
        status: 'False',
        reason,
        message: `not ready: ${notReady.join(', ')}; calls go to ${ready.size > 0 ? [...ready].join(', ') : 'none yet'}`,
      };
    }
    return { ...base, status: 'True', reason: 'SpecialistsReady', message: `calls go to ${[...ready].join(', ')}` };
  })();

  return {
    ...(task.metadata.generation === undefined ? {} : { observedGeneration: task.metadata.generation }),
    readySpecialists: `${ready.size}/${refs.length}`,
    routes,
    conditions: setCondition(task.status?.conditions ?? [], condition, now),
  };
}
