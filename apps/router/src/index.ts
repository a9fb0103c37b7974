import { loadKubeConfig } from '@slm-fleet/k8s';
import { startService, type RunningService } from '@slm-fleet/service';
import { ROUTER_CORE, ROUTER_DRAIN_TIMEOUT_MS, type RouterCore } from './router-core.js';
import type { RouterOptions } from './router-options.js';
import { RouterModule } from './router.module.js';

export type { RouterOptions } from './router-options.js';
export { FixedRoutingSource, type LocalResources, type RoutingSource } from './routing/routing-source.js';

export interface RunningRouter extends RunningService {
  /** The bound gRPC port (useful when asked for port 0). */
  grpcPort: number;
  routerId: string;
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { host, httpPort, kubeconfig, routing, ...rest } = options;
  // Local mode hands the routing in; no cluster is needed then.
  const source = routing ? { routing } : { kubeConfig: loadKubeConfig(kubeconfig) };
  const running = await startService({
    name: 'router',
    module: RouterModule.forRoot({ ...rest, host, ...source }),
    host,
    httpPort,
    httpBodyLimitBytes: 2 * options.maxRequestBytes,
    // Calls in flight get ROUTER_DRAIN_TIMEOUT_MS to finish; closing the rest takes a little more.
    shutdownTimeoutMs: ROUTER_DRAIN_TIMEOUT_MS + 5_000,
  });
  const core = running.app.get<RouterCore>(ROUTER_CORE);
  return { ...running, grpcPort: core.grpcPort, routerId: core.routerId };
}
