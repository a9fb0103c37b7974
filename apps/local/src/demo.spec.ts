import { describe, expect, it } from 'vitest';
import { demoTaskOf, demoTrafficFor } from './demo-traffic.js';
import { percentile, rateAt } from './demo-workload.js';
import { renderLiveView } from './live-view.js';

describe('demo traffic', () => {
  it('bursts the highest-priority task hardest, and the next only in bursts', () => {
    const traffic = demoTrafficFor([
      { name: 'b', priority: 0 },
      { name: 'a', priority: 0 },
      { name: 'top', priority: 10 },
    ]);
    expect(traffic.map((t) => [t.task, t.baseRatePerSecond])).toEqual([
      ['top', 2],
      ['a', 0],
      ['b', 1],
    ]);
    expect(traffic[2]?.burst).toBeUndefined();
  });

  it("gives a task with tools an agent's tool loop, its tools as gRPC tools", () => {
    const task = demoTaskOf('support', {
      specialists: [{ name: 's', weight: 1 }],
      priority: 0,
      timeoutMs: 1000,
      retries: 1,
      tools: [{ name: 'lookup_order', parameters: { type: 'object' }, strict: true }, { name: 'escalate' }],
    });
    expect(task.tools).toEqual([
      { name: 'lookup_order', description: '', parameters: '{"type":"object"}', strict: true },
      { name: 'escalate', description: '', parameters: '' },
    ]);
    const [traffic] = demoTrafficFor([task]);
    expect(traffic?.tools).toBe(task.tools);
    expect(traffic?.prompt).toContain('lookup order');
    expect(demoTaskOf('plain', undefined)).toEqual({ name: 'plain', priority: 0 });
  });

  it('runs a burst from its first time on, once a period', () => {
    const burst = { ratePerSecond: 9, seconds: 10, everySeconds: 60, firstAtSeconds: 15 };
    const traffic = { task: 't', prompt: 'p', baseRatePerSecond: 1, burst };
    expect([0, 14, 15, 24, 25, 74, 75, 85].map((s) => rateAt(traffic, s))).toEqual([1, 1, 9, 9, 1, 1, 9, 1]);
  });

  it('takes percentiles of sorted latencies', () => {
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile([10, 20, 30, 40], 0.99)).toBe(40);
  });
});

describe('renderLiveView', () => {
  it('shows each task with its queue and replicas as ready/asked, and the last scalings', () => {
    const text = renderLiveView(
      [
        {
          task: 'extract',
          callsPerSecond: 2.25,
          p50Ms: 150.4,
          p99Ms: 300,
          failed: 0,
          specialist: 'x',
          waiting: 3,
          replicasReady: 1,
          replicasAsked: 4,
        },
      ],
      ['12:00:00 local/x 1 -> 4: backlog'],
    );
    expect(text).toMatch(/task\s+calls\/s\s+p50 ms\s+p99 ms\s+failed\s+specialist\s+queue\s+replicas/);
    expect(text).toMatch(/extract\s+2\.3\s+150\s+300\s+0\s+x\s+3\s+1\/4/);
    expect(text).toContain('12:00:00 local/x 1 -> 4: backlog');
  });
});
