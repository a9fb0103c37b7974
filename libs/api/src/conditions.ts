// Kubernetes-style conditions: set one, keeping lastTransitionTime while its status holds.

import type { Static } from '@sinclair/typebox';
import type { ConditionSchema } from './schema-helpers.js';

export type Condition = Static<typeof ConditionSchema>;

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** Returns the conditions with `update` applied; the time moves only when status changes. */
export function setCondition(conditions: readonly Condition[], update: ConditionUpdate, now: string): Condition[] {
  const previous = conditions.find((c) => c.type === update.type);
  const lastTransitionTime = previous && previous.status === update.status ? previous.lastTransitionTime : now;
  const next: Condition = { ...update, lastTransitionTime };
  return previous ? conditions.map((c) => (c.type === update.type ? next : c)) : [...conditions, next];
}

export function setConditions(conditions: readonly Condition[], updates: ConditionUpdate[], now: string): Condition[] {
  return updates.reduce<Condition[]>((acc, update) => setCondition(acc, update, now), [...conditions]);
}

export const findCondition = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined =>
  conditions?.find((c) => c.type === type);
