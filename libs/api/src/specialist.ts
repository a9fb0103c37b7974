// The Specialist resource: one SLM deployment (model + engine + GPUs) serving named tasks.
import { Type, type Static } from '@sinclair/typebox';
import type { ResourceMeta } from './resource-meta.js';
import { kubernetesAffinity } from './kubernetes-affinity.js';
import {
  cel,
  celString,
  conditionList,
  dnsLabel,
  enumOf,
  labelMap,
  matching,
  quantity,
  secretKeyRef,
  type CelRule,
} from './schema-helpers.js';

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

export type PodEngineKind = Exclude<EngineKind, 'openai'>;
export const MODEL_SCHEMES = ['hf', 's3', 'pvc', 'ollama', 'ngc'] as const;
export type ModelScheme = (typeof MODEL_SCHEMES)[number];

/**
 * What the engine renderer (@slm-fleet/engines, its profiles and launchers) accepts of each
 * engine that runs pods, so the API server refuses at admission what the operator would
 * otherwise report later as InvalidSpec. test/operator/manifests.test.ts checks these against
 * the renderer.
 */
export interface PodEngineRules {
  /** Where the base model may come from. */
  modelSchemes: readonly ModelScheme[];
  /** An hf:// model may carry a `:tag` (a GGUF quant, a NIM revision); others load whole repositories. */
  hfTag: boolean;
  /** engine.args reach the command line; engines configured by env take none. */
  acceptsArgs: boolean;
  /** Variables slm-fleet always sets on the engine container; engine.env may not redefine them. */
  generatedEnv: readonly string[];
}

export const POD_ENGINE_RULES: Readonly<Record<PodEngineKind, PodEngineRules>> = {
  vllm: { modelSchemes: ['hf', 'pvc', 's3'], hfTag: false, acceptsArgs: true, generatedEnv: ['HF_HOME'] },
  sglang: { modelSchemes: ['hf', 'pvc', 's3'], hfTag: false, acceptsArgs: true, generatedEnv: ['HF_HOME'] },
  llamacpp: { modelSchemes: ['hf', 'pvc'], hfTag: true, acceptsArgs: true, generatedEnv: ['LLAMA_CACHE'] },
  ollama: {
    modelSchemes: ['ollama', 'hf'],
    hfTag: true,
    acceptsArgs: false,
    generatedEnv: [
      'OLLAMA_HOST',
      'OLLAMA_NUM_PARALLEL',
      'OLLAMA_MODELS',
      'OLLAMA_KEEP_ALIVE',
      'SLM_FLEET_PULL_MODEL',
      'SLM_FLEET_SERVED_MODEL',
    ],
  },
  tgi: { modelSchemes: ['hf', 'pvc'], hfTag: false, acceptsArgs: true, generatedEnv: ['HUGGINGFACE_HUB_CACHE'] },
  nim: {
    modelSchemes: ['ngc', 'hf', 's3', 'pvc'],
    hfTag: true,
    acceptsArgs: false,
    // NIM_PASSTHROUGH_ARGS is not here: the tool-call flags go in front of the user's.
    generatedEnv: ['NIM_MODEL_PATH', 'NIM_SERVED_MODEL_NAME', 'NIM_SERVER_PORT'],
  },
};
/** Where adapters may come from (every adapter engine: vllm, sglang, tgi). */
export const ADAPTER_SCHEMES: readonly ModelScheme[] = ['hf', 'pvc'];
/** The hub tokens model.credentials becomes; engine.env may never set them (no literal tokens). */
export const TOKEN_ENV = ['HF_TOKEN', 'NGC_API_KEY'] as const;

const POD_ENGINES = Object.keys(POD_ENGINE_RULES) as PodEngineKind[];
const podEnginesWhere = (test: (rules: PodEngineRules) => boolean): PodEngineKind[] =>
  POD_ENGINES.filter((kind) => test(POD_ENGINE_RULES[kind]));
/** "a, b or c" */
const either = (words: readonly string[]): string =>
  words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;

/** engine.callTimeoutSeconds when the Specialist leaves it out (the CRD fills it in too). */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 60;

const celList = (kinds: readonly string[]): string => `[${kinds.map((k) => `'${k}'`).join(', ')}]`;

// The URI forms the engine renderer parses (libs/engines model-source.ts), as RE2 for CEL.
const SOURCE_FORMS: Record<ModelScheme, { pattern: string; form: string; example: string }> = {
  hf: {
    pattern: '^hf://[A-Za-z0-9][\\w.-]*/[A-Za-z0-9][\\w.-]*(:[\\w.-]+)?$',
    form: 'hf://org/name or hf://org/name:tag',
    example: 'hf://Qwen/Qwen2.5-3B-Instruct',
  },
  s3: {
    pattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\\S+$',
    form: 's3://bucket/path',
    example: 's3://models/qwen2.5-3b-instruct',
  },
  pvc: {
    // A claim (a DNS subdomain) and path segments; `.` and `..` are refused by a second test.
    pattern: '^pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(/[\\w.+@=-]+)*/?$',
    form: 'pvc://claim/path, a PersistentVolumeClaim of this namespace and a path inside it without . or .. segments',
    example: 'pvc://models/qwen2.5-3b-instruct',
  },
  ollama: {
    pattern: '^ollama://[A-Za-z0-9][\\w./-]*(:[\\w.-]+)?$',
    form: 'ollama://name or ollama://name:tag',
    example: 'ollama://llama3.2:3b',
  },
  ngc: {
    pattern: '^ngc://[\\w.-]+(/[\\w.-]+)*(:[\\w.-]+)?(\\?\\S*)?$',
    form: 'ngc://org/team/model:version',
    example: 'ngc://nim/meta/llama-3.1-8b-instruct:1.0',
  },
};
const PVC_DOT_SEGMENT = '/\\.\\.?(/|$)';
const ANY_SCHEME = `^(${MODEL_SCHEMES.join('|')})://`;
/** engine.kind openai names the endpoint's model, e.g. gpt-4o-mini or meta/llama-3.1-70b-instruct. */
const EXTERNAL_MODEL_NAME = '^[A-Za-z0-9][\\w.:/@+-]*$';

/** One rule per scheme: a URI of that scheme must have its form (adapters: their own words). */
function sourceFormRules(
  field: string,
  schemes: readonly ModelScheme[],
  words: Partial<Record<ModelScheme, { form: string; example: string }>> = {},
): CelRule[] {
  return schemes.map((scheme) => {
    const { pattern } = SOURCE_FORMS[scheme];
    const { form, example } = words[scheme] ?? SOURCE_FORMS[scheme];
    const pvcDots = scheme === 'pvc' ? ` && !self.matches(${celString(PVC_DOT_SEGMENT)})` : '';
    return {
      rule: `!self.startsWith('${scheme}://') || (self.matches(${celString(pattern)})${pvcDots})`,
      message: `${field} must be ${form}, e.g. ${example}`,
    };
  });
}

const Adapter = Type.Object({
  name: dnsLabel(
    'Name callers use to pick this adapter (the served model name of the adapter).',
    'model.adapters[].name',
    'invoice-lora',
  ),
  uri: Type.String({
    minLength: 1,
    maxLength: 1024,
    description: 'Where the adapter weights are: hf://org/name (a whole repository, no :tag) or pvc://claim/path.',
    ...cel(
      {
        rule: `self.matches('^(${ADAPTER_SCHEMES.join('|')})://')`,
        message:
          'model.adapters[].uri must be hf://org/name or pvc://claim/path (adapters are not loaded from s3:// or other sources), e.g. hf://org/invoice-lora',
      },
      ...sourceFormRules('model.adapters[].uri', ADAPTER_SCHEMES, {
        hf: { form: 'hf://org/name', example: 'hf://org/invoice-lora' },
        pvc: { form: 'pvc://claim/path, a path without . or .. segments', example: 'pvc://adapters/invoice-lora' },
      }),
      {
        rule: "!self.matches('^hf://[^:]*:')",
        message: 'model.adapters[].uri: an adapter is a whole repository; drop the :tag',
      },
    ),
  }),
});

const Model = Type.Object(
  {
    uri: Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        "Where the base model is: hf://org/name[:tag] (Hugging Face; the tag picks a GGUF quant on llamacpp and ollama), s3://bucket/path, pvc://claim/path (a PersistentVolumeClaim in this namespace), ollama://name[:tag] (Ollama library, engine ollama only) or ngc://org/team/model:version (engine nim only). For engine.kind openai: the endpoint's model name, e.g. gpt-4o-mini.",
      ...cel(
        {
          rule: `self.contains('://') ? self.matches('${ANY_SCHEME}') : self.matches(${celString(EXTERNAL_MODEL_NAME)})`,
          message: `model.uri must be a model source: ${MODEL_SCHEMES.map((scheme) => SOURCE_FORMS[scheme].form.split(',')[0]).join(', ')} (e.g. hf://Qwen/Qwen2.5-3B-Instruct); or, for engine.kind openai, the endpoint's model name without spaces (e.g. gpt-4o-mini)`,
        },
        ...sourceFormRules('model.uri', MODEL_SCHEMES),
      ),
    }),
    servedName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          'Model name the engine serves under (the OpenAI `model` the worker asks for). Defaults to the Specialist name; on engine.kind openai to model.uri (the name the endpoint knows).',
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
      secretKeyRef(
        'Secret holding the token to download the model: HF_TOKEN for hf:// (not on ollama), NGC_API_KEY for ngc:// (required there). Never inlined.',
        'token',
        'model.credentials',
        'hf-token',
      ),
    ),
  },
  { description: 'The model the engine serves.' },
);

const EnvVar = Type.Object(
  {
    name: matching(
      '^[-._a-zA-Z][-._a-zA-Z0-9]*$',
      "engine.env[].name must be a variable name: letters, digits, '_', '-' or '.', not starting with a digit, e.g. VLLM_LOGGING_LEVEL",
      { minLength: 1, maxLength: 256, description: 'Name of the variable.' },
    ),
    value: Type.String({
      maxLength: 32768,
      description: 'Literal value (no Secret references: see model.credentials).',
    }),
  },
  { description: 'An environment variable of the engine container.' },
);

/** The etcd budget of the Specialist's free-text lists: each well under the 1.5 MiB etcd stores. */
const ENV_VALUES_TOTAL = 65536;
const ARGS_TOTAL = 65536;

const Engine = Type.Object(
  {
    kind: enumOf(ENGINE_KINDS, {
      // Bounds the cost of the messages that name the kind.
      maxLength: 16,
      description:
        'Inference engine: vllm, sglang, llamacpp (llama.cpp server), ollama, tgi, nim, or openai (an external OpenAI-compatible endpoint, served through slm-fleet workers: no engine pod, no GPU).',
    }),
    image: Type.Optional(
      matching('^\\S+$', 'engine.image must be an image reference without spaces, e.g. vllm/vllm-openai:v0.11.0', {
        minLength: 1,
        maxLength: 512,
        description: "Engine image; defaults to the engine's profile image. Required for nim.",
      }),
    ),
    args: Type.Optional(
      Type.Array(Type.String({ maxLength: 4096, description: 'One argument.' }), {
        maxItems: 64,
        description: `Extra engine arguments, appended after the ones slm-fleet generates (not on ollama and nim, which take settings through engine.env). At most ${ARGS_TOTAL} characters together.`,
        ...cel({
          rule: `self.map(a, size(a)).sum() <= ${ARGS_TOTAL}`,
          message: `engine.args together must hold at most ${ARGS_TOTAL} characters (64 KiB): the Specialist is stored whole, and the API server's store refuses objects over 1.5 MiB`,
        }),
      }),
    ),
    env: Type.Optional(
      Type.Array(EnvVar, {
        maxItems: 64,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: `Extra environment variables for the engine, after the generated ones (which they may not redefine). Put secrets in model.credentials, not here. Values hold at most ${ENV_VALUES_TOTAL} characters together.`,
        ...cel(
          {
            rule: `self.map(e, size(e.value)).sum() <= ${ENV_VALUES_TOTAL}`,
            message: `engine.env values together must hold at most ${ENV_VALUES_TOTAL} characters (64 KiB): the Specialist is stored whole, and the API server's store refuses objects over 1.5 MiB`,
          },
          {
            rule: `!self.exists(e, e.name in ${celList(TOKEN_ENV)})`,
            message: `engine.env must not set ${TOKEN_ENV.join(' or ')}: put the token in a Secret and name it in model.credentials`,
            reason: 'FieldValueForbidden',
          },
        ),
      }),
    ),
    toolCallParser: Type.Optional(
      matching(
        '^[A-Za-z0-9][-A-Za-z0-9_.]{0,63}$',
        "engine.toolCallParser must be one word of letters, digits, '-', '_' or '.' (at most 64 characters), e.g. hermes",
        {
          maxLength: 64,
          description: `How the engine turns model output into OpenAI tool_calls. On vllm, sglang and nim: the engine's tool-call parser, e.g. hermes, llama3_json or mistral (vllm, nim), qwen25 or llama3 (sglang). Unset on vllm and sglang: a default from the model family named in model.uri or model.servedName (Qwen2.5/QwQ/Qwen3, Qwen3-Coder, Llama 3.1-3.3, Mistral, gpt-oss; on vllm also Hermes 2 Pro/3, Granite 3.1+, Phi-4-mini), else no tool calling; unset on nim: no tool calling. '${TOOL_CALLING_OFF}' starts the engine without tool calling; it is the only value on llamacpp, whose tool calls otherwise follow the model's chat template (--jinja). Refused on tgi and ollama (tools are native) and openai (the endpoint decides). See docs/engines.md, Tool calling.`,
        },
      ),
    ),
    maxConcurrency: Type.Integer({
      minimum: 1,
      maximum: 4096,
      default: 8,
      description:
        "Requests one replica serves at once (its batch). The worker pulls this many jobs at a time. On engine.kind openai: the calls at once to the endpoint over all the Specialist's workers.",
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
      matching('^https?://.+', 'engine.url must be an http:// or https:// URL, e.g. https://api.openai.com/v1', {
        maxLength: 2048,
        description:
          'Base URL of the external OpenAI-compatible API (kind openai only), e.g. https://api.example.com/v1.',
      }),
    ),
    limits: Type.Optional(
      Type.Object(
        {
          requestsPerMinute: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 100000000,
              description: 'Calls per minute to the endpoint, over all workers; more wait in the queue.',
            }),
          ),
          tokensPerMinute: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 10000000000,
              description:
                'Tokens (prompt and completion) per minute to the endpoint, over all workers; calls wait in the queue while the minute is spent.',
            }),
          ),
        },
        {
          description:
            "The endpoint's budgets (kind openai only), kept by the workers together; a 429 from the endpoint pauses the queue for its Retry-After.",
        },
      ),
    ),
    secretRef: Type.Optional(
      secretKeyRef(
        'Secret holding the API key of the external endpoint (kind openai). The worker gets it by reference, the operator reads it to probe the endpoint; it is never logged or shown.',
        'apiKey',
        'engine.secretRef',
        'openai-api-key',
      ),
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
        rule: "!has(self.limits) || self.kind == 'openai'",
        message:
          'engine.limits is only for engine.kind openai: an engine in a pod is bounded by engine.maxConcurrency and its replicas',
        fieldPath: '.limits',
        reason: 'FieldValueForbidden',
      },
      // engine.kind openai runs only the slm-fleet worker: what would configure an engine
      // container is refused by name rather than ignored.
      ...(['image', 'args', 'env'] as const).map((field): CelRule => ({
        rule: `self.kind != 'openai' || !has(self.${field})`,
        message: `engine.${field} is not for engine.kind openai: it runs no engine container, only the slm-fleet worker`,
        fieldPath: `.${field}`,
        reason: 'FieldValueForbidden',
      })),
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
      {
        rule: `!has(self.args) || size(self.args) == 0 || !(self.kind in ${celList(podEnginesWhere((r) => !r.acceptsArgs))})`,
        message: `engine.args: ${either(podEnginesWhere((r) => !r.acceptsArgs))} are configured through engine.env, not command-line arguments`,
        messageExpression:
          "'engine.args: ' + self.kind + ' is configured through engine.env, not command-line arguments'",
        fieldPath: '.args',
        reason: 'FieldValueForbidden',
      },
      ...POD_ENGINES.map((kind): CelRule => ({
        rule: `self.kind != '${kind}' || !has(self.env) || !self.env.exists(e, e.name in ${celList(POD_ENGINE_RULES[kind].generatedEnv)})`,
        message: `engine.env must not redefine ${either(POD_ENGINE_RULES[kind].generatedEnv)}, which slm-fleet sets for ${kind}`,
        fieldPath: '.env',
        reason: 'FieldValueForbidden',
      })),
    ),
  },
);

const Gpu = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'GPUs per replica (0 = CPU only).' }),
    profiles: Type.Optional(
      Type.Array(dnsLabel('A GPU profile name from the operator configuration.', 'a GPU profile name', 'nvidia-l4'), {
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
    cpu: Type.Optional(
      quantity(
        'CPU for the engine container (a request, no limit), e.g. "8" or "500m".',
        'resources.cpu must be a non-negative Kubernetes quantity: a number of cores, e.g. 8 or "0.5", or millicores, e.g. "500m"',
      ),
    ),
    memory: Type.Optional(
      quantity(
        'Memory for the engine container (request and limit), e.g. "32Gi".',
        'resources.memory must be a non-negative Kubernetes quantity: a number with a unit, e.g. "32Gi" or "512Mi" (Ki, Mi, Gi, Ti are powers of 1024; k, M, G, T powers of 1000; "GB" is not a unit)',
      ),
    ),
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

/**
 * engine.kind openai: its workers are not autoscaled (they hold no GPU, and the endpoint's
 * capacity is engine.maxConcurrency and engine.limits, not replicas). Replicas are spec.replicas
 * within the bounds, as kubectl scale or HPA set them; the autoscaler's fields are refused by
 * name. Those with a default can only be refused when changed from it.
 */
const OPENAI_SCALING_RULES: CelRule[] = [
  {
    rule: "self.engine.kind != 'openai' || self.scaling.minReplicas >= 1",
    message:
      'scaling.minReplicas must be at least 1 on engine.kind openai: its workers are not autoscaled, so at zero nothing would pull its queue',
    fieldPath: '.scaling.minReplicas',
  },
  {
    rule: "self.engine.kind != 'openai' || !has(self.scaling.targetLatencyMs)",
    message:
      'scaling.targetLatencyMs is not used on engine.kind openai: its workers are not autoscaled (set AgentTask.spec.targetLatencyMs for the latency of a task)',
    fieldPath: '.scaling.targetLatencyMs',
    reason: 'FieldValueForbidden',
  },
  ...(['targetQueuePerReplica', 'scaleDownDelaySeconds'] as const).map((field): CelRule => ({
    rule: `self.engine.kind != 'openai' || self.scaling.${field} == ${String(scalingFields[field].default)}`,
    message: `scaling.${field} is not used on engine.kind openai: its workers are not autoscaled; leave it out`,
    fieldPath: `.scaling.${field}`,
    reason: 'FieldValueForbidden',
  })),
];

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
  // `scaling: {minReplicas: 2}` alone meets maxReplicas' default of 1. The default cannot follow
  // minReplicas: OpenAPI defaults are constants and CEL only validates; a mutating webhook could,
  // but slm-fleet runs none (it would need its own TLS-served endpoint before any Specialist can
  // be written), and leaving maxReplicas unset instead would change the stored spec that the
  // operator, the autoscaler and local mode all read as complete. So the message says the
  // default and the fix.
  ...cel({
    rule: 'self.minReplicas <= self.maxReplicas',
    message:
      'scaling.minReplicas must not exceed scaling.maxReplicas (default 1 when left out): set scaling.maxReplicas too',
    // Literals only: string(int) in a messageExpression costs more than the API server allows.
    messageExpression:
      "self.maxReplicas == 1 ? 'scaling.minReplicas must not exceed scaling.maxReplicas, which is 1 (its default when left out): set scaling.maxReplicas too, e.g. {minReplicas: 2, maxReplicas: 4}' : 'scaling.minReplicas must not exceed scaling.maxReplicas'",
    fieldPath: '.minReplicas',
  }),
});

const Toleration = Type.Object(
  {
    key: Type.Optional(
      Type.String({
        maxLength: 316,
        description: 'The taint key the toleration applies to; empty with operator Exists matches every key.',
      }),
    ),
    operator: Type.Optional(
      enumOf(['Exists', 'Equal'] as const, {
        description: 'Equal (the default): the taint value must equal value. Exists: any value (leave value empty).',
      }),
    ),
    value: Type.Optional(Type.String({ maxLength: 63, description: 'The taint value to match with operator Equal.' })),
    effect: Type.Optional(
      enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, {
        description: 'The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.',
      }),
    ),
    tolerationSeconds: Type.Optional(
      Type.Integer({
        description:
          'With effect NoExecute: how long the pod stays on a node after the taint appears (unset: forever, 0 or less: evicted at once).',
      }),
    ),
  },
  { description: 'A core/v1 Toleration: lets the pods run on nodes with a matching taint.' },
);

const Placement = Type.Object(
  {
    nodeSelector: Type.Optional(
      labelMap('Extra node labels the pods require, on top of the GPU profile (at most 32).', 32),
    ),
    tolerations: Type.Optional(
      Type.Array(Toleration, {
        maxItems: 32,
        description: "Extra tolerations, added to the GPU profile's.",
      }),
    ),
    affinity: Type.Optional(
      kubernetesAffinity(
        'A core/v1 Affinity (the Pod field, checked field by field: unknown fields are refused or dropped), merged with the GPU profile placement.',
      ),
    ),
    priorityClassName: Type.Optional(
      dnsLabel('PriorityClass of the pods.', 'placement.priorityClassName', 'high-priority'),
    ),
  },
  { description: 'Where the pods may run, beyond the GPU profile.' },
);

/**
 * Per scheme, the engines that load it: `s3:// models need engine.kind vllm, sglang or nim`.
 * engine.kind openai downloads nothing, so its model.uri may be anything the field allows.
 */
function schemeRules(): CelRule[] {
  return MODEL_SCHEMES.flatMap((scheme) => {
    const kinds = podEnginesWhere((rules) => rules.modelSchemes.includes(scheme));
    if (kinds.length === POD_ENGINES.length) return [];
    return [
      {
        rule: `self.engine.kind == 'openai' || !self.model.uri.startsWith('${scheme}://') || self.engine.kind in ${celList(kinds)}`,
        message: `${scheme}:// models need engine.kind ${either(kinds)}`,
        messageExpression: `'${scheme}:// models need engine.kind ${either(kinds)}; ' + self.engine.kind + ' loads ' + ${schemeMap}[self.engine.kind]`,
        fieldPath: '.model.uri',
      },
    ];
  });
}

/** CEL: engine kind -> the model sources it loads, in words. */
const schemeMap = `{${POD_ENGINES.map((kind) => `'${kind}': '${POD_ENGINE_RULES[kind].modelSchemes.map((s) => `${s}://`).join(', ')}'`).join(', ')}}`;

/**
 * Rules that need metadata.name (a default of the spec), checked at the object's root: an
 * adapter may not take the base model's served name, which defaults to the Specialist name.
 */
export const SPECIALIST_ROOT_RULES: CelRule[] = [
  {
    rule: '!has(self.spec.model.adapters) || !self.spec.model.adapters.exists(a, a.name == (has(self.spec.model.servedName) ? self.spec.model.servedName : self.metadata.name))',
    message:
      "model.adapters[].name must differ from the base model's served name (model.servedName, or the Specialist name when that is unset): callers pick a model by that name",
    // FieldValueInvalid: a Duplicate error would not show the message.
    fieldPath: '.spec.model.adapters',
  },
];

export const SpecialistSpec = Type.Object(
  {
    model: Model,
    engine: Engine,
    resources: Type.Optional(Resources),
    tasks: Type.Array(dnsLabel('A task name agents call.', 'a task name', 'extract-invoice'), {
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
        rule: `self.engine.kind == 'openai' || self.model.uri.matches('${ANY_SCHEME}')`,
        message:
          'model.uri: engines that run pods need a model source such as hf://org/name, pvc://claim/path or ollama://name; a plain model name is only for engine.kind openai',
        messageExpression: `'model.uri: engine.kind ' + self.engine.kind + ' needs a model source URI (it loads ' + ${schemeMap}[self.engine.kind] + '), e.g. hf://Qwen/Qwen2.5-3B-Instruct; a plain model name is only for engine.kind openai'`,
        fieldPath: '.model.uri',
      },
      ...schemeRules(),
      {
        rule: `!(self.engine.kind in ${celList(podEnginesWhere((r) => !r.hfTag))}) || !self.model.uri.matches('^hf://[^:]*:')`,
        message: `model.uri: ${either(podEnginesWhere((r) => !r.hfTag))} load whole repositories; drop the :tag (tags select GGUF files on llamacpp and ollama, a revision on nim)`,
        messageExpression:
          "'model.uri: ' + self.engine.kind + ' loads whole repositories; drop the :tag (tags select GGUF files on llamacpp and ollama, a revision on nim)'",
        fieldPath: '.model.uri',
      },
      {
        rule: "!self.model.uri.startsWith('ngc://') || has(self.model.credentials)",
        message: 'ngc:// models need model.credentials: NIM downloads them with NGC_API_KEY',
        fieldPath: '.model.credentials',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.model.credentials) || self.engine.kind != 'openai'",
        message:
          'model.credentials is not for engine.kind openai, which downloads nothing: its API key goes in engine.secretRef',
        fieldPath: '.model.credentials',
        reason: 'FieldValueForbidden',
      },
      {
        // As the renderer decides it: HF_TOKEN for hf:// on engines other than ollama (which
        // pulls hf.co without one), NGC_API_KEY for ngc://, nothing for s3://, pvc://, ollama://.
        rule: "!has(self.model.credentials) || self.engine.kind == 'openai' || self.model.uri.startsWith('ngc://') || (self.engine.kind != 'ollama' && (self.model.uri.startsWith('hf://') || (has(self.model.adapters) && self.model.adapters.exists(a, a.uri.startsWith('hf://')))))",
        message:
          "model.credentials is only for hf:// sources (not on ollama) and ngc:// models: s3:// is read with the pod's cloud identity (e.g. IRSA), not a token, and pvc:// and ollama:// take none",
        fieldPath: '.model.credentials',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "self.engine.kind != 'openai' || !has(self.resources) || self.resources.gpu.count == 0",
        message: 'engine.kind openai runs no engine pod, only workers: resources.gpu.count must be 0',
        fieldPath: '.resources.gpu.count',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "self.engine.kind != 'openai' || !has(self.resources) || (!has(self.resources.cpu) && !has(self.resources.memory))",
        message:
          'resources.cpu and resources.memory size the engine container; engine.kind openai runs only the slm-fleet worker',
        fieldPath: '.resources',
        reason: 'FieldValueForbidden',
      },
      ...OPENAI_SCALING_RULES,
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
