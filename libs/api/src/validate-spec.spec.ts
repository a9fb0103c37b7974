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
