/** The BullMQ key prefix of every queue when none is configured (--queue-prefix). */
export const DEFAULT_QUEUE_PREFIX = 'slm';

/**
 * The BullMQ queue of a Specialist. One queue per Specialist; the name is wrapped in a
 * Redis Cluster hash tag so each queue's keys live on one slot, and different
 * Specialists' queues spread over the cluster's masters: that is the sharding.
 */
export function specialistQueueName(namespace: string, specialist: string): string {
  return `{${namespace}.${specialist}}`;
}

/**
 * The Redis hash of a task's shadow agreement, written by every router (HSETNX `since`, epoch
 * ms; HINCRBY `compared`, `agreed`, `schemaValid`, `shadowFailed`) and read by the operator for
 * AgentTask status.shadow. One key per task and shadow Specialist, so a new shadow starts
 * counting from zero; it expires after 7 days idle.
 */
export function shadowStatsKey(prefix: string, namespace: string, task: string, shadowSpecialist: string): string {
  return `${prefix}:shadow:${namespace}:${task}:${shadowSpecialist}`;
}
