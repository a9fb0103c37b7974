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
import { HealthModule, Readiness } from '@slm-fleet/service';
import { createControllerMetrics, METRICS_REGISTRY, MetricsModule } from '@slm-fleet/telemetry';
import type { OperatorConfig } from './config.js';
import { OperatorRuntime } from './operator-runtime.js';

/** Starts the runtime after Nest is up, stops it (draining reconciles) before Nest closes. */
class RuntimeLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('operator');

  constructor(
    @Inject(OperatorRuntime) private readonly runtime: OperatorRuntime,
    @Inject(Readiness) private readonly readiness: Readiness,
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
  }
}

/** The operator: reconciles Specialist and AgentTask resources into GPU workloads. */
@Module({})
export class OperatorModule {
  static forRoot(options: { kubeConfig: KubeConfig; config: OperatorConfig }): DynamicModule {
    return {
      module: OperatorModule,
      imports: [HealthModule, MetricsModule.forRoot(), KubeModule.forRoot(options.kubeConfig)],
      providers: [
        {
          provide: OperatorRuntime,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) =>
            new OperatorRuntime(
              options.kubeConfig,
              options.config,
              createControllerMetrics(registry),
              new Logger('operator'),
              () => process.kill(process.pid, 'SIGTERM'),
            ),
        },
        RuntimeLifecycle,
      ],
    };
  }
}
