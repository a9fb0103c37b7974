import { Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC): on for services, off in tests. */
  processMetrics?: boolean;
  /** Labels added to every series, such as the component name. */
  defaultLabels?: Record<string, string>;
}

/**
 * A fresh Registry per service (never prom-client's global one), so several services in one
 * process (`slm-fleet local`) and unit tests cannot collide on metric names.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** The body and Content-Type a `/metrics` endpoint answers with (Prometheus text format). */
export async function renderMetrics(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
