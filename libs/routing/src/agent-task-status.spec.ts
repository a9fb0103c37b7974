import { describe, expect, it } from 'vitest';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import { agentTaskStatus } from './agent-task-status.js';

const NOW = '2026-11-24T00:00:00Z';

const task = (specialists: { name: string; weight: number }[], shadow?: string): AgentTask => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'AgentTask',
  metadata: { name: 'extract-invoice', namespace: 'team-a', generation: 3 },
  spec: {
    specialists,
    priority: 0,
    timeoutMs: 30000,
    retries: 1,
    ...(shadow ? { shadow: { specialist: shadow, sampleRate: 0.1 } } : {}),
  },
});

const specialist = (name: string, ready: boolean): Specialist => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'Specialist',
  metadata: { name, namespace: 'team-a' },
  spec: {
    model: { uri: 'hf://org/m' },
    engine: { kind: 'vllm', maxConcurrency: 8 },
    tasks: ['extract-invoice'],
    scaling: { mode: 'managed', minReplicas: 1, maxReplicas: 1, targetQueuePerReplica: 4, scaleDownDelaySeconds: 300 },
  },
  status: {
    conditions: [
      { type: 'Ready', status: ready ? 'True' : 'False', reason: 'R', message: '', lastTransitionTime: NOW },
    ],
  },
});

const fleet = (...specialists: Specialist[]) => new Map(specialists.map((s) => [s.metadata.name, s]));
const ready = (status: ReturnType<typeof agentTaskStatus>) => status.conditions?.find((c) => c.type === 'Ready');

describe('agentTaskStatus', () => {
  it('splits calls by weight among ready specialists and is Ready', () => {
    const status = agentTaskStatus(
      task([
        { name: 'a', weight: 3 },
        { name: 'b', weight: 1 },
      ]),
      fleet(specialist('a', true), specialist('b', true)),
      NOW,
    );
    expect(status.routes?.map((r) => [r.specialist, r.sharePercent, r.queue])).toEqual([
      ['a', 75, '{team-a.a}'],
      ['b', 25, '{team-a.b}'],
    ]);
    expect(status.readySpecialists).toBe('2/2');
    expect(ready(status)).toMatchObject({ status: 'True', reason: 'SpecialistsReady', observedGeneration: 3 });
  });

  it('names a missing specialist (shadow included)', () => {
    const status = agentTaskStatus(task([{ name: 'a', weight: 1 }], 'candidate'), fleet(specialist('a', true)), NOW);
    expect(ready(status)).toMatchObject({
      status: 'False',
      reason: 'SpecialistNotFound',
      message: 'no Specialist named candidate in namespace team-a',
    });
  });

  it('gives a not-ready specialist no share and says so', () => {
    const status = agentTaskStatus(
      task([
        { name: 'a', weight: 1 },
        { name: 'b', weight: 1 },
      ]),
      fleet(specialist('a', true), specialist('b', false)),
      NOW,
    );
    expect(status.routes?.map((r) => r.sharePercent)).toEqual([100, 0]);
    expect(ready(status)).toMatchObject({
      status: 'False',
      reason: 'SpecialistNotReady',
      message: 'not ready: b; calls go to a',
    });
  });

  it('is NoReadySpecialist when none is ready', () => {
    const status = agentTaskStatus(task([{ name: 'a', weight: 1 }]), fleet(specialist('a', false)), NOW);
    expect(ready(status)?.reason).toBe('NoReadySpecialist');
    expect(status.readySpecialists).toBe('0/1');
  });
});
