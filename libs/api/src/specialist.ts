// The Specialist resource: one SLM deployment (model + engine + GPUs) serving named tasks.
import { Type, type Static } from '@sinclair/typebox';
import type { ResourceMeta } from './resource-meta.js';
import { cel, conditionList, dnsLabel, enumOf, freeForm, quantity, secretKeyRef, stringMap } from './schema-helpers.js';

export const ENGINE_KINDS = ['vllm', 'sglang', 'llamacpp', 'ollama', 'tgi', 'nim', 'openai'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];
/** Engines that serve LoRA adapters on a shared base model by name. */
export const ADAPTER_ENGINES: readonly EngineKind[] = ['vllm', 'sglang', 'tgi'];
/** Engines that cannot run without a GPU. */
export const GPU_ONLY_ENGINES: readonly EngineKind[] = ['vllm', 'sglang', 'tgi', 'nim'];
/** Engines started with a named tool-call parser (engine.toolCallParser). */
export const TOOL_PARSER_ENGINES: readonly EngineKind[] = ['vllm', 'sglang', 'nim'];
/** engine.toolCallParser's value that starts the engine without tool calling. */
const TOOL_CALLING_OFF = 'none';

/** engine.callTimeoutSeconds when the Specialist leaves it out (the CRD fills it in too). */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 60;

const celList = (kinds: readonly string[]): string => `[${kinds.map((k) => `'${k}'`).join(', ')}]`;

const Adapter = Type.Object({
  name: dnsLabel('Name callers use to pick this adapter (the served model name of the adapter).'),
  uri: Type.String({
    pattern: '^(hf|s3|pvc)://.+',
    maxLength: 1024,
    description: 'Where the adapter weights are: hf://org/name, s3://bucket/path or pvc://claim/path.',
  }),
});

const Model = Type.Object(
  {
    uri: Type.String({
      pattern: '^(hf|s3|pvc|ollama|ngc)://.+',
      maxLength: 1024,
      description:
        'Where the base model is: hf://org/name (Hugging Face), s3://bucket/path, pvc://claim/path (a PersistentVolumeClaim in this namespace), ollama://name (Ollama library, engine ollama only) or ngc://org/model:version (engine nim only).',
    }),
    servedName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'Model name the engine serves under. Defaults to the Specialist name.',
      }),
    ),
    adapters: Type.Optional(
      Type.Array(Adapter, {
        maxItems: 64,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'LoRA adapters served on this base model (engines vllm, sglang, tgi).',
      }),
    ),
    credentials: Type.Optional(
      secretKeyRef('Secret holding the token to download the model (HF_TOKEN, NGC_API_KEY). Never inlined.', 'token'),
    ),
  },
  { description: 'The model the engine serves.' },
);

const EnvVar = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256, pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$' }),
  value: Type.String({ maxLength: 32768 }),
});

const Engine = Type.Object(
  {
    kind: enumOf(ENGINE_KINDS, {
      description:
        'Inference engine: vllm, sglang, llamacpp (llama.cpp server), ollama, tgi, nim, or openai (an external OpenAI-compatible endpoint: no pod).',
    }),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: "Engine image; defaults to the engine's profile image. Required for nim.",
      }),
    ),
    args: Type.Optional(
      Type.Array(Type.String({ maxLength: 4096 }), {
        maxItems: 64,
        description: 'Extra engine arguments, appended after the ones slm-fleet generates.',
      }),
    ),
    env: Type.Optional(
      Type.Array(EnvVar, {
        maxItems: 64,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'Extra environment variables for the engine. Put secrets in model.credentials, not here.',
      }),
    ),
    toolCallParser: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$',
        maxLength: 64,
        description: `How the engine turns model output into OpenAI tool_calls. On vllm, sglang and nim: the engine's tool-call parser, e.g. hermes, llama3_json or mistral (vllm, nim), qwen25 or llama3 (sglang). Unset on vllm and sglang: a default from the model family named in model.uri or model.servedName (Qwen2.5/QwQ/Qwen3, Qwen3-Coder, Llama 3.1-3.3, Mistral, gpt-oss; on vllm also Hermes 2 Pro/3, Granite 3.1+, Phi-4-mini), else no tool calling; unset on nim: no tool calling. '${TOOL_CALLING_OFF}' starts the engine without tool calling; it is the only value on llamacpp, whose tool calls otherwise follow the model's chat template (--jinja). Refused on tgi and ollama (tools are native) and openai (the endpoint decides). See docs/engines.md, Tool calling.`,
      }),
    ),
    maxConcurrency: Type.Integer({
      minimum: 1,
      maximum: 4096,
      default: 8,
      description: 'Requests one replica serves at once (its batch). The worker pulls this many jobs at a time.',
    }),
    callTimeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3600,
        default: DEFAULT_CALL_TIMEOUT_SECONDS,
        description:
          'Longest a call may run on this engine. A replica leaving waits this long for its calls to finish before handing the rest back to the queue; its termination grace adds 30 s for the engine to stop.',
      }),
    ),
    url: Type.Optional(
      Type.String({
        pattern: '^https?://.+',
        maxLength: 2048,
        description:
          'Base URL of the external OpenAI-compatible API (kind openai only), e.g. https://api.example.com/v1.',
      }),
    ),
    secretRef: Type.Optional(
      secretKeyRef('Secret holding the API key of the external endpoint (kind openai).', 'apiKey'),
    ),
  },
  {
    description: 'How the model is served.',
    ...cel(
      {
        rule: "self.kind != 'openai' || has(self.url)",
        message: 'engine.kind openai needs engine.url',
        fieldPath: '.url',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.url) || self.kind == 'openai'",
        message: 'engine.url is only for engine.kind openai',
        fieldPath: '.url',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "!has(self.secretRef) || self.kind == 'openai'",
        message: 'engine.secretRef is only for engine.kind openai; model credentials go in model.credentials',
        fieldPath: '.secretRef',
        reason: 'FieldValueForbidden',
      },
      {
        rule: `!has(self.toolCallParser) || self.kind in ${celList([...TOOL_PARSER_ENGINES, 'llamacpp'])}`,
        message:
          'engine.toolCallParser is for vllm, sglang, nim and llamacpp: tgi and ollama call tools natively, openai is an external endpoint',
        fieldPath: '.toolCallParser',
        reason: 'FieldValueForbidden',
      },
      {
        rule: `self.kind != 'llamacpp' || !has(self.toolCallParser) || self.toolCallParser == '${TOOL_CALLING_OFF}'`,
        message: `engine.toolCallParser on llamacpp can only be '${TOOL_CALLING_OFF}': its tool calls come from the model's chat template`,
        fieldPath: '.toolCallParser',
        reason: 'FieldValueInvalid',
      },
      {
        rule: `self.kind != 'nim' || !has(self.toolCallParser) || self.toolCallParser != '${TOOL_CALLING_OFF}'`,
        message: `engine.toolCallParser '${TOOL_CALLING_OFF}' changes nothing on nim, which starts tool calling only for a named parser`,
        fieldPath: '.toolCallParser',
        reason: 'FieldValueInvalid',
      },
      {
        rule: "self.kind != 'nim' || has(self.image)",
        message: 'engine.kind nim needs engine.image (NIM images are per model)',
        fieldPath: '.image',
        reason: 'FieldValueRequired',
      },
    ),
  },
);

const Gpu = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'GPUs per replica (0 = CPU only).' }),
    profiles: Type.Optional(
      Type.Array(dnsLabel('A GPU profile name from the operator configuration.'), {
        minItems: 1,
        maxItems: 8,
        'x-kubernetes-list-type': 'set',
        description:
          "Acceptable GPU profiles in order of preference (e.g. [nvidia-l4, nvidia-h100]); a replica lands on the first that has room. Defaults to the operator's default profile.",
      }),
    ),
  },
  { description: 'GPUs each replica needs.' },
);

const Resources = Type.Object(
  {
    gpu: Gpu,
    cpu: Type.Optional(quantity('CPU for the engine container, e.g. "8".')),
    memory: Type.Optional(quantity('Memory for the engine container, e.g. "32Gi".')),
  },
  { description: 'Compute for each replica.' },
);

const scalingFields = {
  mode: enumOf(['managed', 'external'] as const, {
    default: 'managed',
    description:
      "managed: slm-fleet sizes the Specialist from its tasks' load. external: replicas belong to HPA/KEDA through the scale subresource; slm-fleet leaves them alone.",
  }),
  minReplicas: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 1,
    description: 'Fewest replicas; 0 allows scale to zero.',
  }),
  maxReplicas: Type.Integer({ minimum: 1, maximum: 1000, default: 1, description: 'Most replicas.' }),
  targetQueuePerReplica: Type.Integer({
    minimum: 1,
    maximum: 100000,
    default: 4,
    description: 'Waiting plus running jobs one replica should carry; more asks for more replicas.',
  }),
  targetLatencyMs: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 3600000,
      description: 'Latency target; missing it can raise the replica count.',
    }),
  ),
  scaleDownDelaySeconds: Type.Integer({
    minimum: 0,
    maximum: 86400,
    default: 300,
    description: 'Load must stay low this long before replicas are removed.',
  }),
};

/** The defaults of every scaling field, so an omitted `scaling` gets them all. */
const scalingDefaults = Object.fromEntries(
  Object.entries(scalingFields).flatMap(([name, field]) =>
    field.default === undefined ? [] : [[name, field.default]],
  ),
);

const Scaling = Type.Object(scalingFields, {
  description: 'Bounds and targets for the replica count.',
  // The API server checks the default against the CEL rules without filling nested
  // defaults into it, so it must be complete.
  default: scalingDefaults,
  ...cel({
    rule: 'self.minReplicas <= self.maxReplicas',
    message: 'scaling.minReplicas must not exceed scaling.maxReplicas',
    fieldPath: '.minReplicas',
  }),
});

const Toleration = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 316 })),
  operator: Type.Optional(enumOf(['Exists', 'Equal'] as const, { description: 'Exists or Equal.' })),
  value: Type.Optional(Type.String({ maxLength: 63 })),
  effect: Type.Optional(
    enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, { description: 'Taint effect.' }),
  ),
  tolerationSeconds: Type.Optional(Type.Integer()),
});

const Placement = Type.Object(
  {
    nodeSelector: Type.Optional(stringMap('Extra node labels the pods require, on top of the GPU profile.')),
    tolerations: Type.Optional(Type.Array(Toleration, { maxItems: 32, description: 'Extra tolerations.' })),
    affinity: Type.Optional(freeForm('A core/v1 Affinity, merged with the GPU profile placement.')),
    priorityClassName: Type.Optional(dnsLabel('PriorityClass of the pods.')),
  },
  { description: 'Where the pods may run, beyond the GPU profile.' },
);

export const SpecialistSpec = Type.Object(
  {
    model: Model,
    engine: Engine,
    resources: Type.Optional(Resources),
    tasks: Type.Array(dnsLabel('A task name agents call.'), {
      minItems: 1,
      maxItems: 64,
      'x-kubernetes-list-type': 'set',
      description: 'The tasks this Specialist serves; an AgentTask of the same name routes to it.',
    }),
    replicas: Type.Optional(
      Type.Integer({
        minimum: 0,
        // Always present, like a Deployment's: GET .../scale fails when the field is missing,
        // which breaks kubectl scale, HPA and KEDA on a Specialist that never set it.
        default: 1,
        description:
          'Desired replicas (the scale subresource: kubectl scale, HPA, KEDA). In managed mode the autoscaler writes it, clamped to the scaling bounds.',
      }),
    ),
    scaling: Scaling,
    queue: Type.Optional(
      Type.Object(
        {
          maxWaiting: Type.Integer({
            minimum: 1,
            maximum: 1000000,
            default: 1000,
            description:
              'Calls that may wait in the queue before sheddable (negative-priority) calls are refused with RESOURCE_EXHAUSTED.',
          }),
        },
        { default: { maxWaiting: 1000 }, description: "Bounds of the Specialist's queue." },
      ),
    ),
    placement: Type.Optional(Placement),
  },
  {
    description: 'What to serve, how, on which GPUs, for which tasks, at what scale.',
    ...cel(
      {
        rule: "self.engine.kind == 'openai' || has(self.resources)",
        message: 'resources (at least resources.gpu) is required for engines that run pods',
        fieldPath: '.resources',
        reason: 'FieldValueRequired',
      },
      {
        rule: `!has(self.model.adapters) || size(self.model.adapters) == 0 || self.engine.kind in ${celList(ADAPTER_ENGINES)}`,
        message: `model.adapters need an engine that serves LoRA adapters: ${ADAPTER_ENGINES.join(', ')}`,
        fieldPath: '.model.adapters',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "self.model.uri.startsWith('ollama://') == (self.engine.kind == 'ollama')",
        message: 'ollama:// models need engine.kind ollama, and engine.kind ollama needs an ollama:// model',
        fieldPath: '.model.uri',
      },
      {
        rule: "!self.model.uri.startsWith('ngc://') || self.engine.kind == 'nim'",
        message: 'ngc:// models need engine.kind nim',
        fieldPath: '.model.uri',
      },
      {
        rule: "self.engine.kind != 'openai' || !has(self.resources) || self.resources.gpu.count == 0",
        message: 'engine.kind openai runs no pod: resources.gpu.count must be 0',
        fieldPath: '.resources.gpu.count',
        reason: 'FieldValueForbidden',
      },
      {
        rule: `!(self.engine.kind in ${celList(GPU_ONLY_ENGINES)}) || !has(self.resources) || self.resources.gpu.count >= 1`,
        message: `engine kinds ${GPU_ONLY_ENGINES.join(', ')} need resources.gpu.count >= 1`,
        fieldPath: '.resources.gpu.count',
      },
    ),
  },
);
export type SpecialistSpec = Static<typeof SpecialistSpec>;

export const SpecialistStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'The .metadata.generation this status describes.' })),
    replicas: Type.Optional(Type.Integer({ description: 'Pods that exist.' })),
    readyReplicas: Type.Optional(Type.Integer({ description: 'Pods whose engine is ready.' })),
    desiredReplicas: Type.Optional(
      Type.Integer({ description: 'Replicas the operator asks for, after the scaling bounds.' }),
    ),
    selector: Type.Optional(Type.String({ description: 'Label selector of the pods (for the scale subresource).' })),
    conditions: Type.Optional(conditionList('Ready, Progressing and Degraded, with reasons such as InsufficientGPU.')),
    queue: Type.Optional(
      Type.Object(
        {
          waiting: Type.Optional(Type.Integer({ description: 'Jobs waiting in the queue.' })),
          active: Type.Optional(Type.Integer({ description: 'Jobs being served.' })),
        },
        { description: 'A snapshot of the Specialist queue.' },
      ),
    ),
    lastScaleTime: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the replica count last changed.' }),
    ),
  },
  { description: 'What the operator observed.' },
);
export type SpecialistStatus = Static<typeof SpecialistStatus>;

export interface Specialist {
  apiVersion: 'slm.dev/v1alpha1';
  kind: 'Specialist';
  metadata: ResourceMeta;
  spec: SpecialistSpec;
  status?: SpecialistStatus;
}
