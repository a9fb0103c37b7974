import { describe, expect, it } from 'vitest';
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
