import { describe, expect, it, vi } from 'vitest';
import { validateAgentTaskSpec, validateSpecialistSpec } from './validate-spec.js';

const specialist = {
  model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
  engine: { kind: 'vllm' },
  resources: { gpu: { count: 1 } },
  tasks: ['extract-invoice'],
};

describe('validateSpecialistSpec', () => {
  it("fills in the CRD's defaults", () => {
    const { spec } = validateSpecialistSpec(specialist);
    expect(spec?.scaling).toMatchObject({
      mode: 'managed',
      minReplicas: 1,
      maxReplicas: 1,
      scaleDownDelaySeconds: 300,
    });
    expect(spec?.engine.maxConcurrency).toBeGreaterThan(0);
  });

  it('names the field that is wrong', () => {
    const { errors } = validateSpecialistSpec({ ...specialist, scaling: { maxReplicas: 'four' } });
    expect(errors?.[0]).toMatch(/^spec\.scaling\.maxReplicas: /);
    expect(validateSpecialistSpec({ ...specialist, tasks: undefined }).errors?.join()).toMatch(/spec\.tasks/);
  });
});

describe('errors of fields with a form (local mode)', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'a task name',
      { tasks: ['Extract Invoice'] },
      /^spec\.tasks\.0: a task name must be a DNS label: .*e\.g\. extract-invoice$/,
    ],
    [
      'memory: 32GB',
      { resources: { gpu: { count: 1 }, memory: '32GB' } },
      /^spec\.resources\.memory: resources\.memory must be a non-negative Kubernetes quantity/,
    ],
    [
      'an env name',
      { engine: { kind: 'vllm', env: [{ name: '1A', value: '' }] } },
      /^spec\.engine\.env\.0\.name: engine\.env\[\]\.name must be a variable name/,
    ],
  ])('says what is expected for %s, as the API server does', (_case, patch, message) => {
    expect(validateSpecialistSpec({ ...specialist, ...(patch as object) }).errors?.[0]).toMatch(message);
  });

  it('keeps the same spec valid', () => {
    const spec = { ...specialist, resources: { gpu: { count: 1 }, cpu: '500m', memory: '32Gi' } };
    expect(validateSpecialistSpec(spec).errors).toBeUndefined();
  });
});

describe('validateAgentTaskSpec', () => {
  it('fills in defaults and names bad fields', () => {
    expect(validateAgentTaskSpec({ specialists: [{ name: 'x' }] }).spec).toMatchObject({
      priority: 0,
      timeoutMs: 30000,
    });
    expect(validateAgentTaskSpec({ specialists: [{ name: 'x' }], priority: 5000 }).errors?.[0]).toMatch(
      /^spec\.priority: /,
    );
  });
});

describe('AgentTask tools', () => {
  const task = { specialists: [{ name: 'x' }] };
  const weather = {
    name: 'get_weather',
    description: 'Current weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  };

  it('accepts a tool set, keeps each JSON Schema as given and defaults validateToolArguments to false', () => {
    const { spec, errors } = validateAgentTaskSpec({ ...task, tools: [weather, { name: 'list-files' }] });
    expect(errors).toBeUndefined();
    expect(spec?.tools).toEqual([weather, { name: 'list-files' }]);
    expect(spec?.validateToolArguments).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a name with a space',
      [{ name: 'get weather' }],
      /^spec\.tools\.0\.name: tools\[\]\.name must be 1-64 letters, digits, '_' or '-'/,
    ],
    ['a name over 64 characters', [{ name: 'x'.repeat(65) }], /^spec\.tools\.0\.name: must NOT have more than 64/],
    ['no name', [{ description: 'nameless' }], /^spec\.tools\.0\.name: must have required property/],
    [
      'parameters that are not an object',
      [{ name: 'a', parameters: 'string' }],
      /^spec\.tools\.0\.parameters: must be object/,
    ],
    ['strict that is not a boolean', [{ name: 'a', strict: 'yes' }], /^spec\.tools\.0\.strict: must be boolean/],
    [
      'more than 128 tools',
      Array.from({ length: 129 }, (_, i) => ({ name: `t${i}` })),
      /^spec\.tools: must NOT have more than 128 items/,
    ],
  ])('refuses %s, naming the field', (_case, tools, message) => {
    expect(validateAgentTaskSpec({ ...task, tools }).errors?.[0]).toMatch(message);
  });

  it('refuses a validateToolArguments that is not a boolean', () => {
    expect(validateAgentTaskSpec({ ...task, validateToolArguments: 'true' }).errors?.[0]).toMatch(
      /^spec\.validateToolArguments: must be boolean/,
    );
  });
});

describe('Specialist engine.toolCallParser', () => {
  it('accepts a parser name and leaves it unset by default', () => {
    expect(validateSpecialistSpec(specialist).spec?.engine.toolCallParser).toBeUndefined();
    const named = { ...specialist, engine: { kind: 'vllm', toolCallParser: 'llama3_json' } };
    expect(validateSpecialistSpec(named).spec?.engine.toolCallParser).toBe('llama3_json');
  });

  it.each(['hermes --x', '', '-flag', 'x'.repeat(65)])('refuses "%s", which is not one word', (toolCallParser) => {
    const { errors } = validateSpecialistSpec({ ...specialist, engine: { kind: 'vllm', toolCallParser } });
    expect(errors?.[0]).toMatch(/^spec\.engine\.toolCallParser: /);
  });
});

describe('compiling the schemas', () => {
  it('happens on the first call, not at import, and once', async () => {
    vi.resetModules();
    const { Ajv } = await import('ajv');
    const compile = vi.spyOn(Ajv.prototype, 'compile');
    try {
      const fresh = await import('./validate-spec.js');
      expect(compile).not.toHaveBeenCalled();
      expect(fresh.validateSpecialistSpec(specialist).errors).toBeUndefined();
      expect(fresh.validateAgentTaskSpec({ specialists: [{ name: 'x' }] }).errors).toBeUndefined();
      expect(fresh.validateSpecialistSpec(specialist).errors).toBeUndefined();
      expect(compile).toHaveBeenCalledTimes(2);
    } finally {
      compile.mockRestore();
    }
  });
});
