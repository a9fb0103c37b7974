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

/** What the operator read beside the cluster objects. */
export interface AgentTaskObservations {
  /**
   * The shadow's agreement hash (libs/queue shadowStatsKey, HGETALL: {} when no call was compared
   * yet); undefined when Redis could not be read, and then the last status is kept.
   */
  shadowStats?: Record<string, string>;
}

/** A reference of the task to a Specialist: its role (for messages) and adapter. */
interface Reference {
  role: 'specialist' | 'shadow' | 'fallback';
  name: string;
  adapter?: string | undefined;
}

/**
 * Resolves an AgentTask's references against the Specialists of its namespace: the routing
 * view (each specialist's share of calls while ready), the fallback's readiness, the shadow's
 * agreement, and a Ready condition that says which reference is missing, names an adapter its
 * Specialist does not have, or is not ready.
 */
export function agentTaskStatus(
  task: AgentTask,
  specialists: ReadonlyMap<string, Specialist>,
  now: string,
  observed: AgentTaskObservations = {},
): AgentTaskStatus {
  const { spec } = task;
  const refs = spec.specialists;
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
    ...(r.adapter === undefined ? {} : { adapter: r.adapter }),
  }));

  const references: Reference[] = [
    ...refs.map((r): Reference => ({ role: 'specialist', name: r.name, adapter: r.adapter })),
    ...(spec.shadow ? [{ role: 'shadow', name: spec.shadow.specialist, adapter: spec.shadow.adapter } as const] : []),
    ...(spec.fallback
      ? [{ role: 'fallback', name: spec.fallback.specialist, adapter: spec.fallback.adapter } as const]
      : []),
  ];
  const missing = references.filter((r) => !specialists.has(r.name));
  const noAdapter = references.filter((r) => {
    const specialist = specialists.get(r.name);
    return specialist !== undefined && r.adapter !== undefined && !adaptersOf(specialist).includes(r.adapter);
  });
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
        message: `no Specialist named ${missing.map(named).join(', ')} in namespace ${task.metadata.namespace}`,
      };
    }
    if (noAdapter.length > 0) {
      return {
        ...base,
        status: 'False',
        reason: 'AdapterNotFound',
        message: noAdapter.map((r) => adapterMessage(r, specialists.get(r.name))).join('; '),
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

  const shadow = spec.shadow ? shadowStatus(task, spec.shadow.specialist, observed.shadowStats) : undefined;
  return {
    ...(task.metadata.generation === undefined ? {} : { observedGeneration: task.metadata.generation }),
    readySpecialists: `${ready.size}/${refs.length}`,
    routes,
    ...(shadow ? { shadow } : {}),
    ...(spec.fallback
      ? { fallback: { specialist: spec.fallback.specialist, ready: isReady(spec.fallback.specialist) } }
      : {}),
    conditions: setCondition(task.status?.conditions ?? [], condition, now),
  };
}

const adaptersOf = (specialist: Specialist): string[] => (specialist.spec.model.adapters ?? []).map((a) => a.name);

/** `large-model (fallback)`; a live specialist is named alone, as before shadows and fallbacks. */
const named = (ref: Reference): string => (ref.role === 'specialist' ? ref.name : `${ref.name} (${ref.role})`);

function adapterMessage(ref: Reference, specialist: Specialist | undefined): string {
  const adapters = specialist ? adaptersOf(specialist) : [];
  const has = adapters.length > 0 ? `its adapters: ${adapters.join(', ')}` : 'it has no model.adapters';
  const field = ref.role === 'specialist' ? 'specialists[].adapter' : `${ref.role}.adapter`;
  return `${field}: Specialist ${ref.name} has no adapter ${ref.adapter} (${has})`;
}

type ShadowStatus = NonNullable<AgentTaskStatus['shadow']>;

/**
 * status.shadow from the routers' counts. Unread (Redis away): the last status while it is for
 * the same shadow, so an outage does not reset the evidence shown.
 */
export function shadowStatus(
  task: AgentTask,
  specialist: string,
  stats: Record<string, string> | undefined,
): ShadowStatus {
  const previous = task.status?.shadow;
  if (stats === undefined) {
    return previous?.specialist === specialist ? previous : { specialist, compared: 0, agreed: 0, shadowFailed: 0 };
  }
  const count = (field: string): number => {
    const value = Number(stats[field]);
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  };
  const compared = count('compared');
  const since = count('since');
  const percent = (part: number): number => Math.round((Math.min(part, compared) / compared) * 1000) / 10;
  return {
    specialist,
    ...(since > 0 ? { since: new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z') } : {}),
    compared,
    agreed: count('agreed'),
    ...(compared > 0
      ? { agreementPercent: percent(count('agreed')), schemaValidPercent: percent(count('schemaValid')) }
      : {}),
    shadowFailed: count('shadowFailed'),
  };
}
