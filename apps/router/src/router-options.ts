import type { RoutingSource } from './routing/routing-source.js';

/** The router's options: the `slm-fleet router` flags (apps/cli/src/service-options.ts). */
export interface RouterOptions {
  host: string;
  httpPort: number;
  grpcPort: number;
  /** Redis holding the queues (secret by reference in a cluster: never logged). */
  redisUrl: string;
  redisCluster?: boolean;
  queuePrefix: string;
  /** The namespace whose AgentTasks and Specialists this router serves. */
  namespace: string;
  maxRequestBytes: number;
  kubeconfig?: string;
  /** Local mode: the routing table from resources in memory instead of the cluster's. */
  routing?: RoutingSource;
}
