/**
 * The BullMQ queue of a Specialist. One queue per Specialist; the name is wrapped in a
 * Redis Cluster hash tag so each queue's keys live on one slot, and different
 * Specialists' queues spread over the cluster's masters: that is the sharding.
 */
export function specialistQueueName(namespace: string, specialist: string): string {
  return `{${namespace}.${specialist}}`;
}
