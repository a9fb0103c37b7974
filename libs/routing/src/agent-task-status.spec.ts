import { describe, expect, it } from 'vitest';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import { agentTaskStatus } from './agent-task-status.js';

const NOW = '2026-11-24T00:00:00Z';

const task = (specialists: AgentTask['spec']['specialists'], shadow?: string): AgentTask => ({
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

const specialist = (name: string, ready: boolean, adapters: string[] = []): Specialist => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'Specialist',
  metadata: { name, namespace: 'team-a' },
  spec: {
    model: { uri: 'hf://org/m', adapters: adapters.map((a) => ({ name: a, uri: `hf://org/${a}` })) },
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
      message: 'no Specialist named candidate (shadow) in namespace team-a',
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

  it("shows each route's adapter, and names an adapter its Specialist does not have", () => {
    const status = agentTaskStatus(
      {
        ...task([{ name: 'a', weight: 1, adapter: 'invoice-lora' }]),
      },
      fleet(specialist('a', true, ['invoice-lora'])),
      NOW,
    );
    expect(status.routes?.[0]?.adapter).toBe('invoice-lora');
    expect(ready(status)?.reason).toBe('SpecialistsReady');
  });

  it.each<[string, Partial<AgentTask['spec']>, string]>([
    [
      'a live route',
      { specialists: [{ name: 'a', weight: 1, adapter: 'nope' }] },
      'specialists[].adapter: Specialist a has no adapter nope (its adapters: invoice-lora)',
    ],
    [
      'the shadow',
      { shadow: { specialist: 'b', sampleRate: 0.1, adapter: 'v2' } },
      'shadow.adapter: Specialist b has no adapter v2 (it has no model.adapters)',
    ],
    [
      'the fallback',
      { fallback: { specialist: 'b', adapter: 'big-lora', when: {} } },
      'fallback.adapter: Specialist b has no adapter big-lora (it has no model.adapters)',
    ],
  ])('is AdapterNotFound for an adapter of %s the Specialist lacks', (_case, spec, message) => {
    const base = task([{ name: 'a', weight: 1 }]);
    const status = agentTaskStatus(
      { ...base, spec: { ...base.spec, ...spec } },
      fleet(specialist('a', true, ['invoice-lora']), specialist('b', true)),
      NOW,
    );
    expect(ready(status)).toMatchObject({ status: 'False', reason: 'AdapterNotFound', message });
  });

  it('names a missing fallback, and shows whether the fallback is ready', () => {
    const base = task([{ name: 'a', weight: 1 }]);
    const withFallback = { ...base, spec: { ...base.spec, fallback: { specialist: 'large', when: {} } } };
    const missing = agentTaskStatus(withFallback, fleet(specialist('a', true)), NOW);
    expect(ready(missing)).toMatchObject({
      reason: 'SpecialistNotFound',
      message: 'no Specialist named large (fallback) in namespace team-a',
    });
    expect(missing.fallback).toEqual({ specialist: 'large', ready: false });
    const present = agentTaskStatus(withFallback, fleet(specialist('a', true), specialist('large', true)), NOW);
    expect(ready(present)?.reason).toBe('SpecialistsReady');
    expect(present.fallback).toEqual({ specialist: 'large', ready: true });
  });
});

describe('status.shadow', () => {
  const shadowed = (status?: AgentTask['status']): AgentTask => {
    const base = task([{ name: 'a', weight: 1 }], 'candidate');
    return status ? { ...base, status } : base;
  };
  const fleetWithShadow = fleet(specialist('a', true), specialist('candidate', true));
  const shadowOf = (t: AgentTask, stats?: Record<string, string>) =>
    agentTaskStatus(t, fleetWithShadow, NOW, stats === undefined ? {} : { shadowStats: stats }).shadow;

  it.each<[string, Record<string, string>, object]>([
    ['nothing compared yet', {}, { specialist: 'candidate', compared: 0, agreed: 0, shadowFailed: 0 }],
    [
      'counts from the routers',
      {
        since: String(Date.parse('2026-11-20T10:00:00Z')),
        compared: '8',
        agreed: '6',
        schemaValid: '7',
        shadowFailed: '2',
      },
      {
        specialist: 'candidate',
        since: '2026-11-20T10:00:00Z',
        compared: 8,
        agreed: 6,
        agreementPercent: 75,
        schemaValidPercent: 87.5,
        shadowFailed: 2,
      },
    ],
    [
      'a third, rounded to one decimal',
      { compared: '3', agreed: '1', schemaValid: '3' },
      { compared: 3, agreed: 1, agreementPercent: 33.3, schemaValidPercent: 100 },
    ],
    ['garbage read as zero', { compared: 'x', agreed: '-4' }, { compared: 0, agreed: 0 }],
  ])('%s', (_case, stats, expected) => {
    const shadow = shadowOf(shadowed(), stats);
    expect(shadow).toMatchObject(expected);
    if (Number(stats['compared'] ?? 0) <= 0) expect(shadow).not.toHaveProperty('agreementPercent');
  });

  it('keeps the last counts while Redis cannot be read, for the same shadow only', () => {
    const last = { specialist: 'candidate', compared: 5, agreed: 5, agreementPercent: 100, shadowFailed: 0 };
    expect(shadowOf(shadowed({ shadow: last }))).toEqual(last);
    expect(shadowOf(shadowed({ shadow: { ...last, specialist: 'older' } }))).toEqual({
      specialist: 'candidate',
      compared: 0,
      agreed: 0,
      shadowFailed: 0,
    });
  });

  it('is absent without a shadow', () => {
    expect(
      agentTaskStatus(task([{ name: 'a', weight: 1 }]), fleet(specialist('a', true)), NOW, { shadowStats: {} }).shadow,
    ).toBeUndefined();
  });
});
