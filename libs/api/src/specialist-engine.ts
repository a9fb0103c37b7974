// The Specialist's engine: the engine kinds, what each accepts, and the engine schema with its CEL rules.
import { Type } from '@sinclair/typebox';
import { cel, celList, either, enumOf, matching, secretKeyRef, type CelRule } from './schema-helpers.js';
import { TOKEN_ENV, type ModelScheme } from './specialist-model.js';

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

export const POD_ENGINES = Object.keys(POD_ENGINE_RULES) as PodEngineKind[];
export const podEnginesWhere = (test: (rules: PodEngineRules) => boolean): PodEngineKind[] =>
  POD_ENGINES.filter((kind) => test(POD_ENGINE_RULES[kind]));

/** engine.callTimeoutSeconds when the Specialist leaves it out (the CRD fills it in too). */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 60;

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

export const Engine = Type.Object(
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
