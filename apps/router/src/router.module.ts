import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { HealthModule, Readiness, createJsonLogger } from '@slm-fleet/service';
import { METRICS_REGISTRY, MetricsModule } from '@slm-fleet/telemetry';
import { OpenAiErrorsFilter } from './http/openai-errors.filter.js';
import { OpenAiController } from './http/openai.controller.js';
import { ResponsesController } from './http/responses.controller.js';
import { ROUTER_CORE, RouterCore, type RouterSettings } from './router-core.js';

/** Starts the core with the app, reports its readiness, and drains it on shutdown. */
class RouterLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ROUTER_CORE) private readonly core: RouterCore,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    this.readiness.register({
      name: 'redis',
      check: async () => {
        if (this.core.redis.status !== 'ready') throw new Error(`redis ${this.core.redis.status}`);
      },
    });
    this.readiness.register({
      name: 'routing-table',
      check: async () => {
        if (!this.core.routingSynced()) throw new Error('Specialists and AgentTasks not listed yet');
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.core.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.core.stop();
  }
}

/** The router: agent calls over gRPC (and OpenAI-compatible HTTP), queued per specialist. */
@Module({})
export class RouterModule {
  static forRoot(settings: RouterSettings): DynamicModule {
    return {
      module: RouterModule,
      imports: [HealthModule, MetricsModule.forRoot({ processMetrics: true })],
      controllers: [OpenAiController, ResponsesController],
      providers: [
        {
          provide: ROUTER_CORE,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => new RouterCore(settings, registry, createJsonLogger('router')),
        },
        RouterLifecycle,
        // OpenAI's error shape for everything under /v1, even what no controller sees.
        { provide: APP_FILTER, useClass: OpenAiErrorsFilter },
      ],
      exports: [ROUTER_CORE],
    };
  }
}
