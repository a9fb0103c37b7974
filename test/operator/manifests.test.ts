// Manifests users get wrong (issue 18, "manifests a user gets wrong"), applied to the real API
// server: each mistake is refused at `kubectl apply` with a message that names the field in
// words (never only a regular expression), each valid one is admitted; what the API server
// cannot see (a task's JSON Schema, `kubectl scale` past the bounds) the operator says in status.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POD_ENGINE_RULES, type PodEngineKind } from '@slm-fleet/api';
import { engineProfile, renderEngine, type EngineContainerInput } from '@slm-fleet/engines';
import { docCodeBlock, eventually, installCrds, useSuiteEnv } from '@slm-fleet/testing';
import { startOperator, stopOperator, writeOperatorConfig, type OperatorProcess } from './operator-process.js';
import { merge, type Json } from './json-merge.js';

const specialist = (spec: Json): Json =>
  merge(
    {
      apiVersion: 'slm.dev/v1alpha1',
      kind: 'Specialist',
      metadata: { name: 'extractor' },
      spec: {
        model: { uri: 'hf://Qwen/Qwen2.5-3B-Instruct' },
        engine: { kind: 'vllm' },
        resources: { gpu: { count: 1 } },
        tasks: ['extract-invoice'],
      },
    },
    { spec },
  );
const ollama = (spec: Json): Json =>
  specialist(
    merge(
      { engine: { kind: 'ollama' }, model: { uri: 'ollama://llama3.2:3b' }, resources: { gpu: { count: 0 } } },
      spec,
    ),
  );
const openai = (spec: Json): Json =>
  specialist(merge({ engine: { kind: 'openai', url: 'https://api.openai.com/v1' }, resources: undefined }, spec));
const nim = (spec: Json): Json =>
  specialist(merge({ engine: { kind: 'nim', image: 'nvcr.io/nim/meta/llama-3.1-8b-instruct:1.0' } }, spec));
const task = (spec: Json): Json => ({
  apiVersion: 'slm.dev/v1alpha1',
  kind: 'AgentTask',
  metadata: { name: 'extract-invoice' },
  spec: { specialists: [{ name: 'extractor' }], ...spec },
});

const value = (length: number): string => 'x'.repeat(length);

/** [what the user wrote, the manifest, the field and words the refusal must show]. */
const refused: [string, Json, RegExp][] = [
  // Rules docs/engines.md states, checked at admission with the operator's wording.
  [
    'an adapter named like model.servedName',
    specialist({ model: { servedName: 'qwen', adapters: [{ name: 'qwen', uri: 'hf://org/qwen-lora' }] } }),
    /spec\.model\.adapters: Invalid value: .*adapters\[\]\.name must differ from the base model's served name/,
  ],
  [
    "an adapter named like the Specialist (servedName's default)",
    specialist({ model: { adapters: [{ name: '$NAME', uri: 'hf://org/qwen-lora' }] } }),
    /spec\.model\.adapters: Invalid value: .*or the Specialist name when that is unset/,
  ],
  [
    'tgi with an s3:// model',
    specialist({ engine: { kind: 'tgi' }, model: { uri: 's3://models/qwen' } }),
    /spec\.model\.uri: Invalid value: .*s3:\/\/ models need engine\.kind vllm, sglang or nim; tgi loads hf:\/\/, pvc:\/\//,
  ],
  [
    'llamacpp with an s3:// model',
    specialist({ engine: { kind: 'llamacpp' }, model: { uri: 's3://models/qwen' } }),
    /spec\.model\.uri: Invalid value: .*s3:\/\/ models need engine\.kind vllm, sglang or nim; llamacpp loads/,
  ],
  [
    'vllm with hf://...:tag',
    specialist({ model: { uri: 'hf://bartowski/Qwen2.5-3B-Instruct-GGUF:Q4_K_M' } }),
    /spec\.model\.uri: Invalid value: .*vllm loads whole repositories; drop the :tag/,
  ],
  [
    'ngc:// without credentials',
    nim({ model: { uri: 'ngc://nim/meta/llama-3.1-8b-instruct:1.0' } }),
    /spec\.model\.credentials: Required value: ngc:\/\/ models need model\.credentials: NIM downloads them with NGC_API_KEY/,
  ],
  [
    'an s3:// adapter',
    specialist({ model: { adapters: [{ name: 'lora', uri: 's3://models/lora' }] } }),
    /spec\.model\.adapters\[0\]\.uri: Invalid value: "s3:\/\/models\/lora": model\.adapters\[\]\.uri must be hf:\/\/org\/name or pvc:\/\/claim\/path/,
  ],
  [
    'engine.env redefining HF_TOKEN',
    specialist({
      model: { credentials: { name: 'hf-token' } },
      engine: { env: [{ name: 'HF_TOKEN', value: 'hf_x' }] },
    }),
    /spec\.engine\.env: Forbidden: engine\.env must not set HF_TOKEN or NGC_API_KEY: put the token in a Secret/,
  ],
  [
    'engine.env redefining a generated variable',
    ollama({ engine: { env: [{ name: 'OLLAMA_HOST', value: '0.0.0.0:1' }] } }),
    /spec\.engine\.env: Forbidden: engine\.env must not redefine OLLAMA_HOST, .*which slm-fleet sets for ollama/,
  ],
  [
    'engine.args on ollama',
    ollama({ engine: { args: ['--verbose'] } }),
    /spec\.engine\.args: Forbidden: engine\.args: ollama is configured through engine\.env, not command-line arguments/,
  ],
  [
    'engine.args on nim',
    nim({ engine: { args: ['--max-num-seqs', '8'] } }),
    /spec\.engine\.args: Forbidden: engine\.args: nim is configured through engine\.env/,
  ],
  [
    'credentials on an s3:// model',
    specialist({ model: { uri: 's3://models/qwen', credentials: { name: 'hf-token' } } }),
    /spec\.model\.credentials: Forbidden: .*s3:\/\/ is read with the pod's cloud identity \(e\.g\. IRSA\), not a token/,
  ],
  [
    'credentials on ollama pulling hf://',
    ollama({ model: { uri: 'hf://bartowski/Llama-3.2-3B-Instruct-GGUF', credentials: { name: 'hf-token' } } }),
    /spec\.model\.credentials: Forbidden: model\.credentials is only for hf:\/\/ sources \(not on ollama\)/,
  ],
  [
    'credentials on openai',
    openai({ model: { uri: 'gpt-4o-mini', credentials: { name: 'hf-token' } } }),
    /spec\.model\.credentials: Forbidden: .*its API key goes in engine\.secretRef/,
  ],
  [
    'ollama with a pvc:// model',
    ollama({ model: { uri: 'pvc://models/llama.gguf' } }),
    /spec\.model\.uri: Invalid value: .*pvc:\/\/ models need engine\.kind .*; ollama loads ollama:\/\/, hf:\/\//,
  ],
  // Fields with a form: the message says what is expected, with an example.
  [
    'a model URI of an unknown scheme',
    specialist({ model: { uri: 'ftp://x/y' } }),
    /spec\.model\.uri: Invalid value: "ftp:\/\/x\/y": model\.uri must be a model source: hf:\/\/org\/name/,
  ],
  [
    'an hf:// URI without org',
    specialist({ model: { uri: 'hf://Qwen2.5-3B-Instruct' } }),
    /spec\.model\.uri: Invalid value: "hf:\/\/Qwen2\.5-3B-Instruct": model\.uri must be hf:\/\/org\/name or hf:\/\/org\/name:tag, e\.g\./,
  ],
  [
    'a plain model name on an engine that runs pods',
    specialist({ model: { uri: 'Qwen/Qwen2.5-3B-Instruct' } }),
    /spec\.model\.uri: Invalid value: .*engine\.kind vllm needs a model source URI \(it loads hf:\/\/, pvc:\/\/, s3:\/\/\).*a plain model name is only for engine\.kind openai/,
  ],
  [
    'a pvc:// path that climbs out',
    specialist({ model: { uri: 'pvc://models/../secrets' } }),
    /spec\.model\.uri: Invalid value: "pvc:\/\/models\/\.\.\/secrets": model\.uri must be pvc:\/\/claim\/path.*without \. or \.\. segments/,
  ],
  [
    'an adapter URI of an unknown form',
    specialist({ model: { adapters: [{ name: 'lora', uri: 'hf://lora' }] } }),
    /spec\.model\.adapters\[0\]\.uri: Invalid value: "hf:\/\/lora": model\.adapters\[\]\.uri must be hf:\/\/org\/name, e\.g\. hf:\/\/org\/invoice-lora/,
  ],
  [
    'an adapter URI with a tag',
    specialist({ model: { adapters: [{ name: 'lora', uri: 'hf://org/lora:v2' }] } }),
    /spec\.model\.adapters\[0\]\.uri: .*an adapter is a whole repository; drop the :tag/,
  ],
  [
    'an adapter name in capitals',
    specialist({ model: { adapters: [{ name: 'Invoice', uri: 'hf://org/lora' }] } }),
    /spec\.model\.adapters\[0\]\.name: Invalid value: "Invoice": model\.adapters\[\]\.name must be a DNS label: lowercase letters, digits and '-'.*e\.g\. invoice-lora/,
  ],
  [
    'a task name with a space',
    specialist({ tasks: ['Extract Invoice'] }),
    /spec\.tasks\[0\]: Invalid value: "Extract Invoice": a task name must be a DNS label: .*e\.g\. extract-invoice/,
  ],
  [
    'a GPU profile name with an underscore',
    specialist({ resources: { gpu: { count: 1, profiles: ['Nvidia_L4'] } } }),
    /spec\.resources\.gpu\.profiles\[0\]: Invalid value: "Nvidia_L4": a GPU profile name must be a DNS label: .*e\.g\. nvidia-l4/,
  ],
  [
    'a Secret name in capitals (model.credentials)',
    specialist({ model: { credentials: { name: 'HF_Token' } } }),
    /spec\.model\.credentials\.name: Invalid value: "HF_Token": model\.credentials\.name, a Secret name, must be lowercase letters, digits, '-' and '\.'.*e\.g\. hf-token/,
  ],
  [
    'a Secret key with a slash',
    specialist({ model: { credentials: { name: 'hf-token', key: 'a/b' } } }),
    /spec\.model\.credentials\.key: Invalid value: "a\/b": model\.credentials\.key must be a Secret data key/,
  ],
  [
    'a Secret name in capitals (engine.secretRef)',
    openai({ model: { uri: 'gpt-4o-mini' }, engine: { secretRef: { name: 'OpenAI' } } }),
    /spec\.engine\.secretRef\.name: Invalid value: "OpenAI": engine\.secretRef\.name, a Secret name, must be/,
  ],
  [
    'an env name starting with a digit',
    specialist({ engine: { env: [{ name: '1VAR', value: 'x' }] } }),
    /spec\.engine\.env\[0\]\.name: Invalid value: "1VAR": engine\.env\[\]\.name must be a variable name: .*e\.g\. VLLM_LOGGING_LEVEL/,
  ],
  [
    'an engine.url without scheme',
    openai({ model: { uri: 'gpt-4o-mini' }, engine: { url: 'api.openai.com/v1' } }),
    /spec\.engine\.url: Invalid value: "api\.openai\.com\/v1": engine\.url must be an http:\/\/ or https:\/\/ URL, e\.g\./,
  ],
  [
    'a toolCallParser of two words',
    specialist({ engine: { toolCallParser: 'hermes --x' } }),
    /spec\.engine\.toolCallParser: Invalid value: "hermes --x": engine\.toolCallParser must be one word/,
  ],
  [
    'an image with a space',
    specialist({ engine: { image: 'vllm/vllm-openai latest' } }),
    /spec\.engine\.image: Invalid value: "vllm\/vllm-openai latest": engine\.image must be an image reference without spaces/,
  ],
  [
    'a priorityClassName in capitals',
    specialist({ placement: { priorityClassName: 'High' } }),
    /spec\.placement\.priorityClassName: Invalid value: "High": placement\.priorityClassName must be a DNS label/,
  ],
  [
    'memory: 32GB',
    specialist({ resources: { gpu: { count: 1 }, memory: '32GB' } }),
    /spec\.resources\.memory: Invalid value: "32GB": resources\.memory must be a non-negative Kubernetes quantity: .*e\.g\. "32Gi".*"GB" is not a unit/,
  ],
  [
    'memory: -8Gi',
    specialist({ resources: { gpu: { count: 1 }, memory: '-8Gi' } }),
    /spec\.resources\.memory: Invalid value: "-8Gi": resources\.memory must be a non-negative Kubernetes quantity/,
  ],
  [
    'cpu: -2',
    specialist({ resources: { gpu: { count: 1 }, cpu: -2 } }),
    /spec\.resources\.cpu: Invalid value: -2: resources\.cpu must be a non-negative Kubernetes quantity: a number of cores, e\.g\. 8/,
  ],
  [
    'cpu: lots',
    specialist({ resources: { gpu: { count: 1 }, cpu: 'lots' } }),
    /spec\.resources\.cpu: Invalid value: "lots": resources\.cpu must be a non-negative Kubernetes quantity/,
  ],
  [
    'a Specialist name in capitals (AgentTask)',
    task({ specialists: [{ name: 'Extractor' }] }),
    /spec\.specialists\[0\]\.name: Invalid value: "Extractor": specialists\[\]\.name, a Specialist name, must be a DNS label/,
  ],
  [
    'a shadow Specialist name with an underscore',
    task({ shadow: { specialist: 'extractor_v2', sampleRate: 0.1 } }),
    /spec\.shadow\.specialist: Invalid value: "extractor_v2": shadow\.specialist, a Specialist name, must be a DNS label/,
  ],
  [
    'a fallback Specialist name in capitals',
    task({ fallback: { specialist: 'Large' } }),
    /spec\.fallback\.specialist: Invalid value: "Large": fallback\.specialist, a Specialist name, must be a DNS label/,
  ],
  [
    'overflow to the fallback without a latency target',
    task({ fallback: { specialist: 'large', when: { overflow: true } } }),
    /spec\.fallback\.when\.overflow: Invalid value: .*fallback\.when\.overflow needs spec\.targetLatencyMs/,
  ],
  [
    'scaling.targetLatencyMs on an openai Specialist',
    openai({ scaling: { targetLatencyMs: 500 } }),
    /spec\.scaling\.targetLatencyMs: Forbidden: scaling\.targetLatencyMs is not used on engine\.kind openai/,
  ],
  [
    'resources.memory on an openai Specialist',
    openai({ resources: { gpu: { count: 0 }, memory: '1Gi' } }),
    /spec\.resources: Forbidden: resources\.cpu and resources\.memory size the engine container/,
  ],
  [
    'a tool name with a space',
    task({ tools: [{ name: 'get weather' }] }),
    /spec\.tools\[0\]\.name: Invalid value: "get weather": tools\[\]\.name must be 1-64 letters, digits, '_' or '-'.*e\.g\. get_weather/,
  ],
  // Defaults that meet.
  [
    'scaling: {minReplicas: 2} alone (maxReplicas defaults to 1)',
    specialist({ scaling: { minReplicas: 2 } }),
    /spec\.scaling\.minReplicas: Invalid value: .*scaling\.minReplicas must not exceed scaling\.maxReplicas, which is 1 \(its default when left out\): set scaling\.maxReplicas too/,
  ],
  // Within every per-field limit, beyond what etcd stores: refused naming the field.
  [
    '64 env values of 32 KiB',
    specialist({
      engine: { env: Array.from({ length: 64 }, (_, i) => ({ name: `VAR_${i}`, value: value(32768) })) },
    }),
    /spec\.engine\.env: Invalid value: .*engine\.env values together must hold at most 65536 characters \(64 KiB\)/,
  ],
  [
    '64 arguments of 4 KiB',
    specialist({ engine: { args: Array.from({ length: 64 }, () => value(4096)) } }),
    /spec\.engine\.args: Invalid value: .*engine\.args together must hold at most 65536 characters/,
  ],
  // A typo in what was a free-form field: a strict apply (kubectl's default) refuses it.
  [
    'placement.affinity.nodeAfinity',
    specialist({ placement: { affinity: { nodeAfinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } } } }),
    /unknown field "spec\.placement\.affinity\.nodeAfinity"/,
  ],
  [
    'an affinity operator that does not exist',
    specialist({
      placement: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Is', values: ['a'] }] }],
            },
          },
        },
      },
    }),
    /matchExpressions\[0\]\.operator: Unsupported value: "Is": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"/,
  ],
];

const zoneAffinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] },
      ],
    },
  },
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      {
        weight: 50,
        podAffinityTerm: {
          topologyKey: 'kubernetes.io/hostname',
          labelSelector: { matchLabels: { 'slm.dev/specialist': 'extractor' } },
        },
      },
    ],
  },
};

/** [what the user wrote, the manifest] */
const admitted: [string, Json][] = [
  ['ollama with an hf:// GGUF model', ollama({ model: { uri: 'hf://bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M' } })],
  ['ollama with an ollama:// model', ollama({})],
  ['openai with a plain model name', openai({ model: { uri: 'gpt-4o-mini', servedName: 'gpt-4o-mini' } })],
  ['openai with an org/model name', openai({ model: { uri: 'meta/llama-3.1-70b-instruct' } })],
  ['openai with an hf:// URI, as before', openai({})],
  [
    'llamacpp with a GGUF quant tag',
    specialist({ engine: { kind: 'llamacpp' }, model: { uri: 'hf://org/m-GGUF:Q4_K_M' } }),
  ],
  [
    'nim with ngc:// and credentials',
    nim({ model: { uri: 'ngc://nim/meta/llama:1.0', credentials: { name: 'ngc' } } }),
  ],
  ['vllm with s3:// and no credentials', specialist({ model: { uri: 's3://models/qwen2.5-3b' } })],
  ['vllm with hf:// and credentials', specialist({ model: { credentials: { name: 'hf-token', key: 'HF_TOKEN' } } })],
  [
    'pvc:// models and adapters',
    specialist({ model: { uri: 'pvc://models/qwen/', adapters: [{ name: 'lora', uri: 'pvc://models/lora' }] } }),
  ],
  ['scaling: {minReplicas: 2, maxReplicas: 4}', specialist({ scaling: { minReplicas: 2, maxReplicas: 4 } })],
  ['cpu, memory as quantities', specialist({ resources: { gpu: { count: 1 }, cpu: 8, memory: '32Gi' } })],
  ['cpu in millicores', specialist({ resources: { gpu: { count: 1 }, cpu: '500m', memory: '0.5Gi' } })],
  [
    'engine env and args',
    specialist({ engine: { env: [{ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }], args: ['--x'] } }),
  ],
  [
    'env values of 64 KiB in all',
    specialist({
      engine: {
        env: [
          { name: 'A', value: value(32768) },
          { name: 'B', value: value(32768) },
        ],
      },
    }),
  ],
  ['a core/v1 affinity', specialist({ placement: { affinity: zoneAffinity, nodeSelector: { disk: 'ssd' } } })],
  [
    'tolerations',
    specialist({
      placement: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'llm', effect: 'NoSchedule' }] },
    }),
  ],
  [
    'an AgentTask with tools, adapters, a shadow and a fallback with every trigger',
    task({
      specialists: [{ name: 'extractor', adapter: 'invoice-lora' }],
      tools: [{ name: 'get_weather' }],
      targetLatencyMs: 2000,
      shadow: { specialist: 'candidate', sampleRate: 0.1, adapter: 'invoice-lora-v2' },
      fallback: {
        specialist: 'large',
        when: {
          noReadySpecialistMs: 2000,
          queueDelayMs: 1000,
          overflow: true,
          schemaFailure: true,
          repairFirst: true,
          specialistError: true,
          minMeanLogprob: -1.5,
        },
      },
    }),
  ],
  [
    'an openai Specialist with budgets, replicas and placement',
    openai({
      engine: {
        secretRef: { name: 'llm-key' },
        maxConcurrency: 32,
        limits: { requestsPerMinute: 500, tokensPerMinute: 90000 },
      },
      scaling: { minReplicas: 2, maxReplicas: 3 },
      placement: { nodeSelector: { pool: 'cpu' } },
    }),
  ],
];

/** The error text of a refused `kubectl apply`. */
const refusal = async (apply: Promise<unknown>): Promise<string> => {
  try {
    await apply;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the API server admitted it');
};

describe('what the CRDs say about each engine agrees with the engine renderer', () => {
  const kinds = Object.keys(POD_ENGINE_RULES) as PodEngineKind[];
  const input = (
    kind: PodEngineKind,
    uri: string,
    extra: Partial<EngineContainerInput> = {},
  ): EngineContainerInput => ({
    kind,
    model: { uri, servedName: 'm' },
    adapters: [],
    maxConcurrency: 4,
    gpuCount: kind === 'llamacpp' || kind === 'ollama' ? 0 : 1,
    ...(kind === 'nim' ? { image: 'nvcr.io/nim/x:1' } : {}),
    ...extra,
  });
  const uriOf = (kind: PodEngineKind): string => (kind === 'ollama' ? 'ollama://llama3.2' : 'hf://org/m');

  it.each(kinds)('%s: model sources, hf:// tags, engine.args and generated env', (kind) => {
    const rules = POD_ENGINE_RULES[kind];
    const profile = engineProfile(kind);
    expect([...rules.modelSchemes].sort()).toEqual([...profile.modelSchemes].sort());
    expect(rules.acceptsArgs).toBe(profile.acceptsArgs);
    const tagged = () => renderEngine(input(kind, 'hf://org/m:Q4_K_M'));
    if (rules.hfTag) expect(tagged).not.toThrow();
    else expect(tagged).toThrow(/drop ":Q4_K_M"/);
    const env = renderEngine(input(kind, uriOf(kind))).container.env?.map((e) => e.name) ?? [];
    expect([...rules.generatedEnv].sort()).toEqual(env.filter((n) => n !== 'NIM_PASSTHROUGH_ARGS').sort());
    if (!rules.acceptsArgs) {
      expect(() => renderEngine(input(kind, uriOf(kind), { extraArgs: ['--x'] }))).toThrow(
        `engine.args: ${kind} is configured through engine.env, not command-line arguments.`,
      );
    }
  });
});

describe('manifests a user gets wrong, applied to the API server', () => {
  const env = useSuiteEnv('manifests');
  beforeAll(async () => installCrds(env()));

  let count = 0;
  const named = (manifest: Json): Json => {
    const name = `m${++count}-${Math.random().toString(36).slice(2, 6)}`;
    const text = JSON.stringify(manifest).replaceAll('$NAME', name);
    return merge(JSON.parse(text) as Json, { metadata: { name } });
  };

  /**
   * `kubectl create` (strict field validation, as apply): a client-side apply would copy 2 MiB of
   * env into an annotation and be refused for that, before the spec is validated.
   */
  const create = async (manifest: Json): Promise<string> => {
    const file = join(await mkdtemp(join(tmpdir(), 'manifests-')), 'manifest.json');
    await writeFile(file, JSON.stringify(manifest));
    return env().kubectl('create', '-f', file);
  };

  it.each(refused)('refuses %s, naming the field in words', async (_what, manifest, message) => {
    const error = await refusal(create(named(manifest)));
    expect(error).toMatch(message);
    // Never a bare regular expression (the OpenAPI pattern error).
    expect(error).not.toMatch(/should match '/);
  });

  it.each(admitted)('admits %s', async (_what, manifest) => {
    await env().apply(stringify(named(manifest)));
  });

  it("admits docs/engines.md's openai example as written", async () => {
    const example = parse(await docCodeBlock('docs/engines.md', 'openai-specialist', 'yaml')) as Json;
    expect((example['spec'] as { model: { uri: string } }).model.uri).toBe('gpt-4o-mini');
    await env().apply(stringify(example));
  });

  it('stores a core/v1 affinity as given, and drops an unknown field on a non-strict apply', async () => {
    const manifest = named(
      specialist({ placement: { affinity: { ...zoneAffinity, nodeAfinity: { preferred: true } } } }),
    );
    const name = (manifest['metadata'] as { name: string }).name;
    const dir = await mkdtemp(join(tmpdir(), 'manifests-'));
    await writeFile(join(dir, 'specialist.yaml'), stringify(manifest));
    await env().kubectl('apply', '--validate=warn', '-f', join(dir, 'specialist.yaml'));
    const stored = JSON.parse(
      await env().kubectl('get', 'specialist', name, '-o', 'jsonpath={.spec.placement.affinity}'),
    ) as Json;
    expect(stored).toEqual(zoneAffinity);
  });

  it('shows the defaults and field descriptions in kubectl explain', async () => {
    // kubectl wraps descriptions at 80 columns: compare with the lines joined.
    const explain = async (field: string) => (await env().kubectl('explain', field)).replace(/\s+/g, ' ');
    expect(await explain('agenttasks.spec.capture.redact')).toMatch(/Default: \["email","phone","card"\]/);
    expect(await explain('specialists.spec.queue')).toMatch(/Default: \{"maxWaiting":1000\}/);
    expect(await explain('specialists.spec.scaling')).toMatch(
      /Default:\s+\{"mode":"managed","minReplicas":1,"maxReplicas":1/,
    );
    expect(await explain('specialists.spec.engine.env.name')).toContain('Name of the variable.');
    expect(await explain('specialists.spec.placement.tolerations.effect')).toContain('The taint effect to match');
    expect(await explain('specialists.spec.placement.affinity.nodeAffinity')).toContain(
      'Describes node affinity scheduling rules for the pod.',
    );
  });
});

describe('what only the operator can see, in status', () => {
  const env = useSuiteEnv('manifests-status');
  let operator: OperatorProcess | undefined;
  const jsonpath = (kind: string, name: string, path: string) =>
    env().kubectl('get', kind, name, '-o', `jsonpath=${path}`);

  beforeAll(async () => {
    await installCrds(env());
    operator = await startOperator(env(), await writeOperatorConfig(env(), {}));
  });
  afterAll(async () => stopOperator(operator));

  it('reports an AgentTask whose output.jsonSchema is not a JSON Schema as InvalidSpec, naming the field', async () => {
    await env().apply(stringify(task({ output: { jsonSchema: { type: 'objekt' } } })));
    const ready = '{.status.conditions[?(@.type=="Ready")]}';
    await eventually(async () =>
      expect(JSON.parse(await jsonpath('agenttask', 'extract-invoice', ready))).toMatchObject({
        status: 'False',
        reason: 'InvalidSpec',
        message: expect.stringMatching(
          /^spec\.output\.jsonSchema is not a valid JSON Schema: spec\.output\.jsonSchema\.type must be one of array, boolean, integer, null, number, object, string/,
        ),
      }),
    );
    expect(
      await env().kubectl(
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=extract-invoice,reason=InvalidSpec',
      ),
    ).toContain('Warning');
    // A bad tool schema is named by its index; a fixed one clears InvalidSpec.
    await env().apply(stringify(task({ tools: [{ name: 'lookup', parameters: { type: 'object', required: 'id' } }] })));
    await eventually(async () =>
      expect(
        await jsonpath('agenttask', 'extract-invoice', '{.status.conditions[?(@.type=="Ready")].message}'),
      ).toMatch(
        /^spec\.tools\[0\]\.parameters is not a valid JSON Schema: spec\.tools\[0\]\.parameters\.required must be array/,
      ),
    );
    await env().apply(stringify(task({ tools: [{ name: 'lookup', parameters: { type: 'object' } }] })));
    await eventually(async () =>
      // No Specialist named extractor exists: the routing view's reason, no longer InvalidSpec.
      expect(await jsonpath('agenttask', 'extract-invoice', '{.status.conditions[?(@.type=="Ready")].reason}')).toBe(
        'SpecialistNotFound',
      ),
    );
  });

  it('says so in status and an event when kubectl scale asks for more than scaling.maxReplicas', async () => {
    await env().apply(
      stringify(
        merge(
          specialist({
            engine: { kind: 'llamacpp' },
            model: { uri: 'hf://org/m-GGUF:Q4_K_M' },
            resources: { gpu: { count: 0 } },
            scaling: { minReplicas: 1, maxReplicas: 4, scaleDownDelaySeconds: 3600 },
          }),
          { metadata: { name: 'scaled' } },
        ),
      ),
    );
    await eventually(async () => expect(await jsonpath('deployment', 'scaled', '{.spec.replicas}')).toBe('1'));
    await env().kubectl('scale', 'specialist', 'scaled', '--replicas=7');
    const limited = '{.status.conditions[?(@.type=="ReplicasLimited")]}';
    await eventually(async () =>
      expect(JSON.parse(await jsonpath('specialist', 'scaled', limited))).toMatchObject({
        status: 'True',
        reason: 'AboveMaxReplicas',
        message: expect.stringMatching(/^spec\.replicas is 7 but scaling\.maxReplicas is 4: 4 run\./),
      }),
    );
    expect(await jsonpath('deployment', 'scaled', '{.spec.replicas}')).toBe('4');
    expect(
      await env().kubectl('get', 'events', '--field-selector', 'involvedObject.name=scaled,reason=AboveMaxReplicas'),
    ).toMatch(/Warning.*spec\.replicas is 7 but scaling\.maxReplicas is 4/);
    // Back within the bounds, the condition goes.
    await env().kubectl('scale', 'specialist', 'scaled', '--replicas=3');
    await eventually(async () => expect(await jsonpath('specialist', 'scaled', limited)).toBe(''));
  });
});
