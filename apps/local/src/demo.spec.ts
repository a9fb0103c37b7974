import { describe, expect, it } from 'vitest';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import { demoTaskNames, demoTaskOf, demoTrafficFor } from './demo-traffic.js';
import { percentile, rateAt } from './demo-workload.js';
import { reasonsText, renderLiveView, shareText, type LiveRow } from './live-view.js';

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

describe('demoTaskNames', () => {
  const specialist = (name: string, kind: string, tasks: string[]) =>
    ({ metadata: { name, namespace: 'local' }, spec: { engine: { kind }, tasks } }) as unknown as Specialist;
  const task = (name: string, specialists: string[]) =>
    ({
      metadata: { name, namespace: 'local' },
      spec: { specialists: specialists.map((s) => ({ name: s })) },
    }) as unknown as AgentTask;

  it('calls every task but those only a large model serves', () => {
    const names = demoTaskNames({
      specialists: [
        specialist('small', 'vllm', ['extract', 'bare']),
        specialist('large-model', 'openai', ['general', 'both']),
      ],
      agentTasks: [task('extract', ['small']), task('both', ['small', 'large-model']), task('direct', ['large-model'])],
    });
    // bare: listed by a Specialist without an AgentTask; general and direct: only the large model.
    expect(names).toEqual(['bare', 'both', 'extract']);
  });
});

describe('renderLiveView', () => {
  const row: LiveRow = {
    task: 'extract',
    callsPerSecond: 2.25,
    p50Ms: 150.4,
    p99Ms: 300,
    failed: 0,
    specialist: 'x',
    waiting: 3,
    replicasReady: 1,
    replicasAsked: 4,
    largeModelShare: 0.125,
    reasons: [
      ['overflow', 9],
      ['invalid_output', 1],
    ],
  };

  it('shows each task with its queue, replicas as ready/asked, the large model share and why, and the last scalings', () => {
    const text = renderLiveView([row], ['12:00:00 local/x 1 -> 4: backlog']);
    expect(text).toMatch(
      /task\s+calls\/s\s+p50 ms\s+p99 ms\s+failed\s+specialist\s+queue\s+replicas\s+large model\s+why/,
    );
    expect(text).toMatch(/extract\s+2\.3\s+150\s+300\s+0\s+x\s+3\s+1\/4\s+13%\s+overflow 9, invalid_output 1$/m);
    expect(text).toContain('12:00:00 local/x 1 -> 4: backlog');
    expect(text).not.toContain('large model (the fallback');
  });

  it('shows a task no call answered yet, and the large-model tier under the table', () => {
    const idle: LiveRow = {
      ...row,
      p50Ms: undefined,
      p99Ms: undefined,
      waiting: undefined,
      largeModelShare: undefined,
      reasons: [],
    };
    const text = renderLiveView(
      [idle],
      [],
      [
        {
          specialist: 'large-model',
          engine: 'simulator (large-model profile)',
          waiting: 0,
          replicasReady: 1,
          replicasAsked: 1,
        },
      ],
    );
    expect(text).toMatch(/extract\s+2\.3\s+-\s+-\s+0\s+x\s+\?\s+1\/4\s+-\s+-$/m);
    expect(text).toContain(
      'large model (the fallback of the tasks):\n  large-model: simulator (large-model profile), queue 0, workers 1/1',
    );
    expect(text).toContain('(none yet)');
  });

  it.each([
    [undefined, '-'],
    [0, '0%'],
    [0.004, '0%'],
    [0.5, '50%'],
    [1, '100%'],
  ])('writes the share %s as %s', (share, text) => expect(shareText(share)).toBe(text));

  it.each([
    [[], '-'],
    [[['overflow', 3]], 'overflow 3'],
    [
      [
        ['no_ready_replica', 4],
        ['specialist_error', 1],
      ],
      'no_ready_replica 4, specialist_error 1',
    ],
  ] as [[string, number][], string][])('writes the reasons %j as %s', (reasons, text) =>
    expect(reasonsText(reasons)).toBe(text),
  );
});
