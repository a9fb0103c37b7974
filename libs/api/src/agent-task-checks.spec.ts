import { describe, expect, it } from 'vitest';
import type { AgentTask, AgentTaskSpec } from './agent-task.js';
import { agentTaskSpecError, withInvalidSpec } from './agent-task-checks.js';

const spec = (extra: Partial<AgentTaskSpec>): AgentTaskSpec => ({
  specialists: [{ name: 'extractor', weight: 1 }],
  priority: 0,
  timeoutMs: 30000,
  retries: 1,
  ...extra,
});

describe('agentTaskSpecError', () => {
  it('passes a task without schemas, and schemas that compile', () => {
    expect(agentTaskSpecError(spec({}))).toBeUndefined();
    const invoice = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };
    expect(
      agentTaskSpecError(spec({ output: { jsonSchema: invoice }, tools: [{ name: 'f', parameters: invoice }] })),
    ).toBeUndefined();
  });

  it.each<[string, Partial<AgentTaskSpec>, string]>([
    [
      'a type that does not exist',
      { output: { jsonSchema: { type: 'objekt' } } },
      'spec.output.jsonSchema is not a valid JSON Schema: spec.output.jsonSchema.type must be one of array, boolean, integer, null, number, object, string',
    ],
    [
      'a nested mistake',
      { output: { jsonSchema: { type: 'object', properties: { id: { type: 'strin' } } } } },
      'spec.output.jsonSchema is not a valid JSON Schema: spec.output.jsonSchema.properties.id.type must be one of',
    ],
    [
      "a tool's parameters, by index",
      {
        tools: [
          { name: 'a', parameters: { type: 'object' } },
          { name: 'b', parameters: { required: 'id' } },
        ],
      },
      'spec.tools[1].parameters is not a valid JSON Schema: spec.tools[1].parameters.required must be array',
    ],
    [
      'a $ref that resolves to nothing',
      { output: { jsonSchema: { $ref: '#/$defs/missing' } } },
      "spec.output.jsonSchema is not a usable JSON Schema: can't resolve reference #/$defs/missing",
    ],
  ])('names the field of %s', (_case, extra, message) => {
    expect(agentTaskSpecError(spec(extra))).toContain(message);
  });

  it('compiles each schema on its own: two schemas may share an $id', () => {
    const schema = { $id: 'https://example.com/order', type: 'object' };
    expect(
      agentTaskSpecError(spec({ output: { jsonSchema: schema }, tools: [{ name: 'f', parameters: schema }] })),
    ).toBeUndefined();
  });

  it('reports, never throws, for a schema nested too deep to compile', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20000; i++) deep = { type: 'object', properties: { a: deep } };
    expect(() => agentTaskSpecError(spec({ output: { jsonSchema: deep } }))).not.toThrow();
  });
});

describe('withInvalidSpec', () => {
  const task = (conditions: NonNullable<AgentTask['status']>['conditions']): AgentTask => ({
    apiVersion: 'slm.dev/v1alpha1',
    kind: 'AgentTask',
    metadata: { name: 't', namespace: 'n', generation: 4 },
    spec: spec({}),
    status: { conditions },
  });
  const routing = { readySpecialists: '1/1', conditions: [] };

  it('sets Ready=False, InvalidSpec over the routing view, keeping its routes', () => {
    const status = withInvalidSpec(task([]), routing, 'spec.output.jsonSchema ...', 'T1');
    expect(status.readySpecialists).toBe('1/1');
    expect(status.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'InvalidSpec',
        message: 'spec.output.jsonSchema ...',
        observedGeneration: 4,
        lastTransitionTime: 'T1',
      },
    ]);
  });

  it('keeps the transition time of a stored Ready=False, so a resync writes nothing new', () => {
    const stored = [
      { type: 'Ready', status: 'False' as const, reason: 'InvalidSpec', message: 'm', lastTransitionTime: 'T0' },
    ];
    expect(withInvalidSpec(task(stored), routing, 'm', 'T1').conditions?.[0]?.lastTransitionTime).toBe('T0');
  });
});
