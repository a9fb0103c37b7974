import { describe, expect, it } from 'vitest';
import type { AgentTask, Specialist } from '@slm-fleet/api';
import { buildRoutingTable, pickRoute } from './routing-table.js';

const NS = 'team-a';

const specialist = (name: string, tasks: string[], ready = true, maxWaiting?: number): Specialist => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'Specialist',
  metadata: { name, namespace: NS },
  spec: {
    model: { uri: 'hf://org/m' },
    engine: { kind: 'vllm', maxConcurrency: 8 },
    tasks,
    scaling: { mode: 'managed', minReplicas: 1, maxReplicas: 1, targetQueuePerReplica: 4, scaleDownDelaySeconds: 300 },
    ...(maxWaiting ? { queue: { maxWaiting } } : {}),
  },
  status: {
    readyReplicas: ready ? 2 : 0,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'R', message: '', lastTransitionTime: '' }],
  },
});

const agentTask = (name: string, refs: { name: string; weight: number }[], namespace = NS): AgentTask => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'AgentTask',
  metadata: { name, namespace },
  spec: { specialists: refs, priority: 5, timeoutMs: 2000, retries: 2, output: { jsonSchema: { type: 'object' } } },
});

describe('buildRoutingTable', () => {
  it('routes an AgentTask to its specialists with its policy', () => {
    const table = buildRoutingTable(
      NS,
      [specialist('small', ['extract']), specialist('big', ['extract'], false, 50)],
      [
        agentTask('extract', [
          { name: 'small', weight: 9 },
          { name: 'big', weight: 1 },
        ]),
      ],
    );
    expect(table.get('extract')).toEqual({
      name: 'extract',
      namespace: NS,
      source: 'AgentTask',
      priority: 5,
      timeoutMs: 2000,
      retries: 2,
      jsonSchema: { type: 'object' },
      validateToolArguments: false,
      routes: [
        {
          specialist: 'team-a/big',
          queue: '{team-a.big}',
          weight: 1,
          ready: false,
          maxWaiting: 50,
          readyReplicas: 0,
          concurrency: 8,
        },
        {
          specialist: 'team-a/small',
          queue: '{team-a.small}',
          weight: 9,
          ready: true,
          maxWaiting: 1000,
          readyReplicas: 2,
          concurrency: 8,
        },
      ],
    });
  });

  it('routes a task only Specialists list to all of them, equally, with default policy', () => {
    const table = buildRoutingTable(NS, [specialist('a', ['triage', 'sql']), specialist('b', ['triage'])], []);
    expect(table.get('triage')?.routes.map((r) => [r.specialist, r.weight])).toEqual([
      ['team-a/a', 1],
      ['team-a/b', 1],
    ]);
    expect(table.get('sql')).toMatchObject({ source: 'Specialist', priority: 0, timeoutMs: 30000, retries: 1 });
  });

  it("carries an AgentTask's tool set in the engines' shape, and whether to check arguments", () => {
    const task = agentTask('support', [{ name: 'a', weight: 1 }]);
    task.spec.tools = [
      { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' }, strict: true },
      { name: 'escalate' },
    ];
    task.spec.validateToolArguments = true;
    const route = buildRoutingTable(NS, [specialist('a', [])], [task]).get('support');
    expect(route?.tools).toEqual([
      {
        type: 'function',
        function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' }, strict: true },
      },
      { type: 'function', function: { name: 'escalate' } },
    ]);
    expect(route?.validateToolArguments).toBe(true);
  });

  it('lets an AgentTask win over Specialists listing the same task', () => {
    const table = buildRoutingTable(
      NS,
      [specialist('a', ['triage']), specialist('b', ['triage'])],
      [agentTask('triage', [{ name: 'a', weight: 1 }])],
    );
    expect(table.get('triage')?.routes.map((r) => r.specialist)).toEqual(['team-a/a']);
  });

  it('keeps a reference to a missing Specialist, not ready', () => {
    const table = buildRoutingTable(NS, [], [agentTask('t', [{ name: 'gone', weight: 1 }])]);
    expect(table.get('t')?.routes).toEqual([
      {
        specialist: 'team-a/gone',
        queue: '{team-a.gone}',
        weight: 1,
        ready: false,
        maxWaiting: 1000,
        readyReplicas: 0,
        concurrency: 1,
      },
    ]);
  });

  it("asks for an adapter by its name, on the base Specialist's queue", () => {
    const task = agentTask('invoices', [{ name: 'base', weight: 1 }]);
    task.spec.specialists = [{ name: 'base', weight: 1, adapter: 'invoice-lora' }];
    const route = buildRoutingTable(NS, [specialist('base', [])], [task]).get('invoices')?.routes[0];
    expect(route).toMatchObject({ queue: '{team-a.base}', model: 'invoice-lora', adapter: 'invoice-lora' });
  });

  it("carries the fallback with the CRD's trigger defaults, and the shadow", () => {
    const task = agentTask('extract', [{ name: 'small', weight: 1 }]);
    task.spec.targetLatencyMs = 800;
    task.spec.fallback = { specialist: 'llm', when: { overflow: true, queueDelayMs: 200 } };
    task.spec.shadow = { specialist: 'candidate', sampleRate: 0.25 };
    const route = buildRoutingTable(
      NS,
      [specialist('small', []), specialist('llm', []), specialist('candidate', [])],
      [task],
    ).get('extract');
    expect(route?.targetLatencyMs).toBe(800);
    expect(route?.fallback).toMatchObject({
      route: { specialist: 'team-a/llm', queue: '{team-a.llm}' },
      when: { overflow: true, queueDelayMs: 200, schemaFailure: true, specialistError: true, repairFirst: false },
    });
    expect(route?.fallback?.when.noReadySpecialistMs).toBeUndefined();
    expect(route?.shadow).toMatchObject({ route: { specialist: 'team-a/candidate' }, sampleRate: 0.25 });
  });

  it('ignores other namespaces', () => {
    const other = { ...specialist('x', ['t']), metadata: { name: 'x', namespace: 'other' } };
    const table = buildRoutingTable(NS, [other], [agentTask('u', [{ name: 'x', weight: 1 }], 'other')]);
    expect(table.size).toBe(0);
  });
});

describe('pickRoute', () => {
  const table = buildRoutingTable(
    NS,
    [specialist('a', []), specialist('b', []), specialist('c', [], false)],
    [
      agentTask('t', [
        { name: 'a', weight: 3 },
        { name: 'b', weight: 1 },
        { name: 'c', weight: 100 },
      ]),
    ],
  );
  const task = table.get('t');
  if (!task) throw new Error('no task');

  it.each([
    [0, 'team-a/a'],
    [0.74, 'team-a/a'],
    [0.75, 'team-a/b'],
    [0.9999, 'team-a/b'],
  ])('splits by weight among ready specialists (random %s -> %s)', (random, expected) => {
    expect(pickRoute(task, random)?.specialist).toBe(expected);
  });

  it('falls back to all specialists when none is ready', () => {
    const none = { ...task, routes: task.routes.map((r) => ({ ...r, ready: false })) };
    expect(pickRoute(none, 0.99)?.specialist).toBe('team-a/c');
  });

  it('has nothing to pick from an empty task', () => {
    expect(pickRoute({ ...task, routes: [] }, 0.5)).toBeUndefined();
  });
});
