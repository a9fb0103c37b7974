export { createMetricsRegistry, renderMetrics, type MetricsRegistryOptions } from './registry.js';
export { createControllerMetrics, type ControllerMetrics } from './controller-metrics.js';
export { METRICS_REGISTRY, MetricsModule } from './metrics.module.js';
