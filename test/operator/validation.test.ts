// The API server itself rejects bad Specialists and AgentTasks (schema + CEL rules), with a
// message that names the field, before any controller sees them.
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { merge, type Json } from './json-merge.js';

const goodSpecialist = {
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'Specialist',
  metadata: { name: 'extractor' },
  spec: {
    model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
    engine: { kind: 'vllm' },
    resources: { gpu: { count: 1, profiles: ['nvidia-l4'] } },
    tasks: ['extract-invoice'],
  },
};

const goodTask = {
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'AgentTask',
  metadata: { name: 'extract-invoice' },
  spec: { specialists: [{ name: 'extractor', weight: 1 }] },
};

const specialist = (patch: Json): Json => merge(goodSpecialist, patch);
const task = (patch: Json): Json => merge(goodTask, patch);

const invalid: [string, Json, RegExp][] = [
  ['no model', specialist({ spec: { model: undefined } }), /spec.model: Required value/],
  [
    'model uri with an unknown scheme',
    specialist({ spec: { model: { uri: 'ftp://x/y' } } }),
    /spec.model.uri: Invalid value: "ftp:\/\/x\/y"/,
  ],
  [
    'unknown engine',
    specialist({ spec: { engine: { kind: 'tensorrt' } } }),
    /spec.engine.kind: Unsupported value: "tensorrt"/,
  ],
  [
    'maxConcurrency 0',
    specialist({ spec: { engine: { kind: 'vllm', maxConcurrency: 0 } } }),
    /spec.engine.maxConcurrency: Invalid value: 0/,
  ],
  [
    'openai without url',
    specialist({ spec: { engine: { kind: 'openai' }, resources: undefined } }),
    /spec.engine.url: Required value: engine.kind openai needs engine.url/,
  ],
  [
    'openai with GPUs',
    specialist({
      spec: { engine: { kind: 'openai', url: 'https://llm.example/v1' }, resources: { gpu: { count: 1 } } },
    }),
    /spec.resources.gpu.count: Forbidden: engine.kind openai runs no engine pod, only workers/,
  ],
  [
    'openai with engine.limits on vllm',
    specialist({ spec: { engine: { kind: 'vllm', limits: { requestsPerMinute: 10 } } } }),
    /spec.engine.limits: Forbidden: engine.limits is only for engine.kind openai/,
  ],
  [
    'openai scaled to zero',
    specialist({
      spec: {
        engine: { kind: 'openai', url: 'https://llm.example/v1' },
        resources: undefined,
        scaling: { minReplicas: 0 },
      },
    }),
    /spec.scaling.minReplicas: Invalid value: .*must be at least 1 on engine.kind openai/,
  ],
  [
    'openai with an autoscaler target',
    specialist({
      spec: {
        engine: { kind: 'openai', url: 'https://llm.example/v1' },
        resources: undefined,
        scaling: { targetQueuePerReplica: 8 },
      },
    }),
    /spec.scaling.targetQueuePerReplica: Forbidden: scaling.targetQueuePerReplica is not used on engine.kind openai/,
  ],
  [
    'openai with an engine image',
    specialist({
      spec: { engine: { kind: 'openai', url: 'https://llm.example/v1', image: 'x/y:1' }, resources: undefined },
    }),
    /spec.engine.image: Forbidden: engine.image is not for engine.kind openai/,
  ],
  [
    'url on a pod engine',
    specialist({ spec: { engine: { kind: 'vllm', url: 'https://x.example' } } }),
    /spec.engine.url: Forbidden: engine.url is only for engine.kind openai/,
  ],
  [
    'secretRef on a pod engine',
    specialist({ spec: { engine: { kind: 'vllm', secretRef: { name: 'k' } } } }),
    /spec.engine.secretRef: Forbidden/,
  ],
  [
    'nim without image',
    specialist({ spec: { engine: { kind: 'nim' } } }),
    /spec.engine.image: Required value: engine.kind nim needs engine.image/,
  ],
  [
    'adapters on llama.cpp',
    specialist({
      spec: {
        engine: { kind: 'llamacpp' },
        model: { uri: 'hf://org/m', adapters: [{ name: 'a', uri: 'hf://org/a' }] },
      },
    }),
    /spec.model.adapters: Forbidden: model.adapters need an engine that serves LoRA adapters/,
  ],
  [
    'ngc model on vllm',
    specialist({ spec: { model: { uri: 'ngc://nim/meta/llama-3.1-8b-instruct:1.0' } } }),
    /spec.model.uri: Invalid value: .*ngc:\/\/ models need engine.kind nim/,
  ],
  [
    'adapters on nim',
    specialist({
      spec: {
        engine: { kind: 'nim', image: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.0' },
        model: { uri: 'hf://org/m', adapters: [{ name: 'a', uri: 'hf://org/a' }] },
      },
    }),
    /spec.model.adapters: Forbidden/,
  ],
  [
    'ollama model on vllm',
    specialist({ spec: { model: { uri: 'ollama://llama3.2' } } }),
    /spec.model.uri: Invalid value: .*ollama:\/\/ models need engine.kind ollama/,
  ],
  [
    // Ollama pulls ollama:// and hf:// (GGUF) models: test/operator/manifests.test.ts admits the latter.
    'ollama engine with a pvc model',
    specialist({
      spec: { engine: { kind: 'ollama' }, model: { uri: 'pvc://models/m.gguf' }, resources: { gpu: { count: 0 } } },
    }),
    /spec.model.uri: Invalid value: .*pvc:\/\/ models need engine.kind vllm, sglang, llamacpp, tgi or nim; ollama loads ollama:\/\/, hf:\/\//,
  ],
  [
    'vllm with zero GPUs',
    specialist({ spec: { resources: { gpu: { count: 0 } } } }),
    /spec.resources.gpu.count: Invalid value: .*need resources.gpu.count >= 1/,
  ],
  [
    'pod engine without resources',
    specialist({ spec: { resources: undefined } }),
    /spec.resources: Required value: resources \(at least resources.gpu\) is required/,
  ],
  [
    '17 GPUs',
    specialist({ spec: { resources: { gpu: { count: 17 } } } }),
    /spec.resources.gpu.count: Invalid value: 17/,
  ],
  [
    'GPU profile not a DNS label',
    specialist({ spec: { resources: { gpu: { count: 1, profiles: ['Nvidia_L4'] } } } }),
    /spec.resources.gpu.profiles\[0\]: Invalid value: "Nvidia_L4"/,
  ],
  [
    'no tasks',
    specialist({ spec: { tasks: [] } }),
    /spec.tasks: Invalid value: 0: spec.tasks in body should have at least 1 items/,
  ],
  [
    'task name not a DNS label',
    specialist({ spec: { tasks: ['Extract Invoice'] } }),
    /spec.tasks\[0\]: Invalid value: "Extract Invoice"/,
  ],
  ['duplicate task', specialist({ spec: { tasks: ['a', 'a'] } }), /spec.tasks\[1\]: Duplicate value: "a"/],
  [
    'minReplicas above maxReplicas',
    specialist({ spec: { scaling: { minReplicas: 3, maxReplicas: 2 } } }),
    /spec.scaling.minReplicas: Invalid value: .*scaling.minReplicas must not exceed scaling.maxReplicas/,
  ],
  [
    'unknown scaling mode',
    specialist({ spec: { scaling: { mode: 'hpa' } } }),
    /spec.scaling.mode: Unsupported value: "hpa"/,
  ],
  ['negative replicas', specialist({ spec: { replicas: -1 } }), /spec.replicas: Invalid value: -1/],
  [
    'cpu not a quantity',
    specialist({ spec: { resources: { gpu: { count: 1 }, cpu: 'lots' } } }),
    /spec.resources.cpu: Invalid value: "lots"/,
  ],
  [
    'specialist name not a DNS label',
    specialist({ metadata: { name: 'extractor.v2' } }),
    /metadata.name must be a DNS label/,
  ],
  [
    'task without specialists',
    task({ spec: { specialists: [] } }),
    /spec.specialists: Invalid value: 0: spec.specialists in body should have at least 1 items/,
  ],
  [
    'weight 0',
    task({ spec: { specialists: [{ name: 'extractor', weight: 0 }] } }),
    /spec.specialists\[0\].weight: Invalid value: 0/,
  ],
  [
    'specialist listed twice',
    task({ spec: { specialists: [{ name: 'a' }, { name: 'a' }] } }),
    /spec.specialists\[1\]: Duplicate value: .*"name":"a"/,
  ],
  [
    'shadow that also serves live',
    task({ spec: { shadow: { specialist: 'extractor', sampleRate: 0.1 } } }),
    /spec.shadow.specialist: Invalid value: .*shadow.specialist must not also be in specialists/,
  ],
  [
    'sample rate above 1',
    task({ spec: { shadow: { specialist: 'candidate', sampleRate: 1.5 } } }),
    /spec.shadow.sampleRate: Invalid value: 1.5/,
  ],
  [
    'fallback that also serves live',
    task({ spec: { fallback: { specialist: 'extractor' } } }),
    /spec.fallback.specialist: Invalid value: .*fallback.specialist must not also be in specialists/,
  ],
  [
    'fallback that is the shadow',
    task({ spec: { shadow: { specialist: 'candidate', sampleRate: 0.1 }, fallback: { specialist: 'candidate' } } }),
    /spec.fallback.specialist: Invalid value: .*fallback.specialist must not be shadow.specialist/,
  ],
  [
    'overflow without a latency target',
    task({ spec: { fallback: { specialist: 'large', when: { overflow: true } } } }),
    /spec.fallback.when.overflow: Invalid value: .*fallback.when.overflow needs spec.targetLatencyMs/,
  ],
  [
    'repairFirst without schemaFailure',
    task({ spec: { fallback: { specialist: 'large', when: { repairFirst: true, schemaFailure: false } } } }),
    /spec.fallback.when.repairFirst: Invalid value: .*needs fallback.when.schemaFailure/,
  ],
  [
    'a positive logprob threshold',
    task({ spec: { fallback: { specialist: 'large', when: { minMeanLogprob: 0.5 } } } }),
    /spec.fallback.when.minMeanLogprob: Invalid value: 0.5/,
  ],
  [
    'the old fallback.url',
    task({ spec: { fallback: { specialist: 'large', url: 'https://llm.example/v1' } } }),
    /unknown field "spec.fallback.url"/,
  ],
  [
    'an adapter name in capitals',
    task({ spec: { specialists: [{ name: 'extractor', adapter: 'Invoice' }] } }),
    /spec.specialists\[0\].adapter: Invalid value: "Invoice": specialists\[\].adapter, an adapter name, must be a DNS label/,
  ],
  ['priority out of range', task({ spec: { priority: 5000 } }), /spec.priority: Invalid value: 5000/],
  ['zero timeout', task({ spec: { timeoutMs: 0 } }), /spec.timeoutMs: Invalid value: 0/],
  [
    'unknown redaction',
    task({ spec: { capture: { sampleRate: 0.1, redact: ['ssn-ish'] } } }),
    /spec.capture.redact\[0\]: Unsupported value: "ssn-ish"/,
  ],
];

describe('Specialist and AgentTask validation by the API server', () => {
  const env = useSuiteEnv('validation');
  beforeAll(async () => installCrds(env()));

  it('accepts the good examples, filling in defaults', async () => {
    await env().apply(stringify(goodSpecialist));
    await env().apply(stringify(goodTask));
    const stored = JSON.parse(await env().kubectl('get', 'specialist', 'extractor', '-o', 'json')) as {
      spec: { engine: { maxConcurrency: number }; scaling: Record<string, unknown> };
    };
    expect(stored.spec.engine.maxConcurrency).toBe(8);
    expect(stored.spec.scaling).toMatchObject({ mode: 'managed', minReplicas: 1, maxReplicas: 1 });
  });

  it(`has at least 20 invalid cases (${invalid.length})`, () => {
    expect(invalid.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalid)('rejects %s, naming the field', async (_name, manifest, message) => {
    const name = `bad-${Math.random().toString(36).slice(2, 8)}`;
    const object = merge(manifest, {
      metadata: { name: (manifest['metadata'] as Json)['name'] === 'extractor.v2' ? 'extractor.v2' : name },
    });
    await expect(env().apply(stringify(object))).rejects.toThrow(message);
  });
});
