import { Controller, Get, Header, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, renderMetrics, type MetricsRegistryOptions } from './registry.js';

/** Injection token of the service's Prometheus registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Controller()
class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return (await renderMetrics(this.registry)).body;
  }
}

/** `GET /metrics` in Prometheus text format, from a registry of the service's own. */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsRegistryOptions = {}): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(options) }],
      exports: [METRICS_REGISTRY],
    };
  }
}
