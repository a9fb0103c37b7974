import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { KubeModule } from '@slm-fleet/k8s';
import { connectRedis, logRedisErrors, type RedisClient } from '@slm-fleet/queue';
import { HealthModule, Readiness } from '@slm-fleet/service';
import { createControllerMetrics, METRICS_REGISTRY, MetricsModule } from '@slm-fleet/telemetry';
import type { OperatorConfig } from './config.js';
import { OperatorRuntime } from './operator-runtime.js';

const OPERATOR_REDIS = Symbol('OPERATOR_REDIS');

export interface OperatorRedisOptions {
  url: string;
  cluster: boolean;
  queuePrefix: string;
}

/** Starts the runtime after Nest is up, stops it (draining reconciles) before Nest closes. */
class RuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('operator');

  constructor(
    @Inject(OperatorRuntime) private readonly runtime: OperatorRuntime,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(OPERATOR_REDIS) private readonly redis: RedisClient | null,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register({
      name: 'informers',
      check: async () => {
        if (!this.runtime.hasSynced()) throw new Error('caches not synced yet');
      },
    });
    // In the background: with the API server away, the process still serves its probes.
    this.runtime
      .start()
      .catch((error: unknown) => this.logger.error({ msg: 'operator runtime failed', error: String(error) }));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
    this.redis?.disconnect();
  }
}

/** The operator: reconciles Specialist and AgentTask resources into GPU workloads. */
@Module({})
export class OperatorModule {
  static forRoot(options: {
    kubeConfig: KubeConfig;
    config: OperatorConfig;
    redis?: OperatorRedisOptions;
  }): DynamicModule {
    return {
      module: OperatorModule,
      imports: [HealthModule, MetricsModule.forRoot(), KubeModule.forRoot(options.kubeConfig)],
      providers: [
        {
          provide: OPERATOR_REDIS,
          useFactory: (): RedisClient | null => {
            // The autoscaler reads the queues, the AgentTask reconciler the shadow counts.
            if (!options.redis) return null;
            // Fail fast: while Redis is away the autoscaler reads nothing and holds every count,
            // and AgentTasks keep the shadow counts they show.
            const client = connectRedis({ ...options.redis, connectionName: 'slm-fleet-operator', failFast: true });
            logRedisErrors(client, new Logger('operator'), 'operator');
            return client;
          },
        },
        {
          provide: OperatorRuntime,
          inject: [METRICS_REGISTRY, OPERATOR_REDIS],
          useFactory: (registry: Registry, redis: RedisClient | null) =>
            new OperatorRuntime(
              options.kubeConfig,
              options.config,
              createControllerMetrics(registry),
              new Logger('operator'),
              () => process.kill(process.pid, 'SIGTERM'),
              redis && options.redis ? { client: redis, queuePrefix: options.redis.queuePrefix } : undefined,
            ),
        },
        RuntimeLifecycle,
      ],
    };
  }
}
