import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { OpenAIClient } from '@slm-fleet/engines';
import { REDIS, RedisModule, type RedisClient } from '@slm-fleet/queue';
import { HealthModule, Readiness } from '@slm-fleet/service';
import { METRICS_REGISTRY, MetricsModule } from '@slm-fleet/telemetry';
import { createCallProcessor } from './call-processor.js';
import { DRAIN_SETTINGS, DrainController } from './drain.controller.js';
import { EndpointLimits } from './endpoint-limits.js';
import { LookaheadGate } from './lookahead-gate.js';
import { redisReplySender } from './replies.js';
import type { WorkerSettings } from './settings.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { WorkerRuntime } from './worker-runtime.js';

/** Starts taking calls once Nest is up; drains them before Nest closes Redis (shutdown hooks). */
class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(WorkerRuntime) private readonly runtime: WorkerRuntime,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register({ name: 'engine', check: () => this.runtime.checkEngine() });
    this.runtime.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/** The worker: the specialist sidecar: pulls jobs from its queue and calls the engine. */
@Module({})
export class WorkerModule {
  static forRoot(settings: WorkerSettings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        HealthModule,
        MetricsModule.forRoot(),
        // The replies' connection (and the `redis` readiness check); BullMQ has its own.
        RedisModule.forRoot({
          url: settings.redisUrl,
          cluster: settings.redisCluster,
          connectionName: 'slm-fleet-worker-replies',
          autoPipelining: true,
        }),
      ],
      controllers: [DrainController],
      providers: [
        { provide: DRAIN_SETTINGS, useValue: { token: settings.drainToken } },
        {
          provide: WorkerRuntime,
          inject: [REDIS, METRICS_REGISTRY],
          useFactory: (redis: RedisClient, registry: Registry) => {
            const logger = new Logger('worker');
            // One socket per call and per look-ahead, plus one so readiness probes never queue
            // behind long calls.
            const engine = new OpenAIClient({
              baseUrl: settings.engineUrl,
              connections: 2 * settings.concurrency + 1,
              apiKey: settings.engineApiKey,
            });
            // On the replies' connection: a few commands per call, none blocking.
            const limits = new EndpointLimits(redis, settings, logger);
            const gate = new LookaheadGate(settings.concurrency);
            const processor = createCallProcessor({
              engine,
              send: redisReplySender(redis),
              replica: settings.replica,
              specialist: settings.specialist,
              model: settings.model,
              metrics: createWorkerMetrics(registry),
              logger,
              limits,
              concurrency: settings.concurrency,
              progress: gate,
            });
            return new WorkerRuntime(settings, engine, processor, limits, logger, gate);
          },
        },
        WorkerLifecycle,
      ],
    };
  }
}
