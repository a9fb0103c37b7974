import { describe, expect, it } from 'vitest';
import { createControllerMetrics, createMetricsRegistry, renderMetrics } from './index.js';

describe('controller metrics', () => {
  it('renders Prometheus text with the operator metric names, labels and content type', async () => {
    const registry = createMetricsRegistry();
    const metrics = createControllerMetrics(registry);
    metrics.reconcileTotal.inc({ controller: 'specialist', result: 'success' });
    metrics.reconcileTotal.inc({ controller: 'specialist', result: 'error' }, 2);
    metrics.reconcileDuration.observe({ controller: 'specialist' }, 0.3);
    metrics.workqueueDepth.set({ controller: 'specialist' }, 4);
    metrics.leader.set(1);

    const { contentType, body } = await renderMetrics(registry);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE slm_fleet_operator_reconcile_total counter');
    expect(body).toContain('slm_fleet_operator_reconcile_total{controller="specialist",result="success"} 1');
    expect(body).toContain('slm_fleet_operator_reconcile_total{controller="specialist",result="error"} 2');
    expect(body).toContain('slm_fleet_operator_reconcile_duration_seconds_bucket{le="0.5",controller="specialist"} 1');
    expect(body).toContain('slm_fleet_operator_reconcile_duration_seconds_bucket{le="0.25",controller="specialist"} 0');
    expect(body).toContain('slm_fleet_operator_workqueue_depth{controller="specialist"} 4');
    expect(body).toContain('slm_fleet_operator_leader 1');
  });

  it('keeps registries apart, so two services in one process do not collide', async () => {
    const first = createMetricsRegistry({ defaultLabels: { component: 'operator' } });
    const second = createMetricsRegistry();
    createControllerMetrics(first).leader.set(1);
    expect(() => createControllerMetrics(second)).not.toThrow();

    expect((await renderMetrics(first)).body).toContain('slm_fleet_operator_leader{component="operator"} 1');
    expect((await renderMetrics(second)).body).toContain('slm_fleet_operator_leader 0');
  });

  it('adds Node process metrics only when asked', async () => {
    expect((await renderMetrics(createMetricsRegistry())).body).not.toContain('process_cpu');
    expect((await renderMetrics(createMetricsRegistry({ processMetrics: true }))).body).toContain(
      'process_cpu_user_seconds_total',
    );
  });
});
