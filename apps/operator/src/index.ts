import { loadKubeConfig } from '@slm-fleet/k8s';
import { DEFAULT_QUEUE_PREFIX } from '@slm-fleet/queue';
import { startService, type RunningService } from '@slm-fleet/service';
import { loadOperatorConfig } from './config.js';
import { OperatorModule } from './operator.module.js';

export { parseOperatorConfig, type OperatorConfig } from './config.js';

export interface OperatorOptions {
  host: string;
  httpPort: number;
  /** A kubeconfig file; without it $KUBECONFIG, ~/.kube/config or the in-cluster account. */
  kubeconfig?: string;
  /** The operator configuration file (GPU profiles, worker image, namespaces, leader election). */
  config?: string;
  /** Redis holding the queues the autoscaler reads (never logged); without it, no autoscaling. */
  redisUrl?: string;
  redisCluster?: boolean;
  /** BullMQ prefix of the queues, as the routers and workers use it. */
  queuePrefix?: string;
}

export function startOperator({
  kubeconfig,
  config,
  redisUrl,
  redisCluster,
  queuePrefix,
  ...http
}: OperatorOptions): Promise<RunningService> {
  const kubeConfig = loadKubeConfig(kubeconfig);
  const loaded = loadOperatorConfig(config);
  const queue = { prefix: queuePrefix ?? DEFAULT_QUEUE_PREFIX, cluster: redisCluster ?? false };
  // The worker sidecars use the operator's queue keys and Redis mode, as the routers do.
  const operatorConfig = {
    ...loaded,
    workloads: { ...loaded.workloads, worker: { ...loaded.workloads.worker, queue } },
  };
  const redis = redisUrl ? { url: redisUrl, cluster: queue.cluster, queuePrefix: queue.prefix } : undefined;
  return startService({
    name: 'operator',
    module: OperatorModule.forRoot({ kubeConfig, config: operatorConfig, ...(redis ? { redis } : {}) }),
    ...http,
  });
}
