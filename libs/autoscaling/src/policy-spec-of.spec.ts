import { describe, expect, it } from 'vitest';
import type { AgentTask, Specialist, SpecialistSpec } from '@slm-fleet/api';
import { policySpecOf, priorityOf } from './policy-spec-of.js';

function specialist(spec: Partial<SpecialistSpec> = {}): Specialist {
  return {
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'Specialist',
    metadata: { name: 'extractor', namespace: 'team-a' },
    spec: {
      model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
      engine: { kind: 'vllm', maxConcurrency: 8 },
      resources: { gpu: { count: 1 } },
      tasks: ['extract-invoice', 'summarise'],
      scaling: {
        mode: 'managed',
        minReplicas: 0,
        maxReplicas: 4,
        targetQueuePerReplica: 4,
        scaleDownDelaySeconds: 300,
      },
      ...spec,
    } as SpecialistSpec,
  };
}

function task(name: string, spec: Partial<AgentTask['spec']>, namespace = 'team-a'): AgentTask {
  return {
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'AgentTask',
    metadata: { name, namespace },
    spec: { specialists: [{ name: 'extractor', weight: 1 }], priority: 0, timeoutMs: 30_000, retries: 1, ...spec },
  } as AgentTask;
}

describe('policySpecOf', () => {
  it("takes the scaling bounds and the engine's concurrency", () => {
    expect(policySpecOf(specialist(), [])).toEqual({
      minReplicas: 0,
      maxReplicas: 4,
      targetQueuePerReplica: 4,
      maxConcurrency: 8,
      scaleDownDelaySeconds: 300,
    });
  });

  it('takes the strictest latency target of the Specialist and the tasks routed to it', () => {
    const base = specialist();
    const own = specialist({ scaling: { ...base.spec.scaling, targetLatencyMs: 2000 } });
    const tasks = [
      task('extract-invoice', { targetLatencyMs: 800 }),
      task('elsewhere', { targetLatencyMs: 10, specialists: [{ name: 'other', weight: 1 }] }),
      task('other-namespace', { targetLatencyMs: 10 }, 'team-b'),
    ];
    expect(policySpecOf(own, tasks).targetLatencyMs).toBe(800);
    expect(policySpecOf(own, []).targetLatencyMs).toBe(2000);
  });
});

describe('priorityOf', () => {
  it('is the highest priority of the AgentTasks routed to it', () => {
    const tasks = [task('extract-invoice', { priority: 5 }), task('summarise', { priority: 20 })];
    expect(priorityOf(specialist(), tasks)).toBe(20);
  });

  it('counts a task it lists without an AgentTask at the default priority 0', () => {
    expect(priorityOf(specialist(), [task('extract-invoice', { priority: -5 })])).toBe(0);
    expect(priorityOf(specialist({ tasks: ['extract-invoice'] }), [task('extract-invoice', { priority: -5 })])).toBe(
      -5,
    );
  });

  it('is 0 with no tasks known', () => {
    expect(priorityOf(specialist(), [])).toBe(0);
  });
});
