// The Specialist's model: where the base model and its LoRA adapters come from, and the URI rules of each source.
import { Type } from '@sinclair/typebox';
import { cel, celString, dnsLabel, secretKeyRef, type CelRule } from './schema-helpers.js';

export const MODEL_SCHEMES = ['hf', 's3', 'pvc', 'ollama', 'ngc'] as const;
export type ModelScheme = (typeof MODEL_SCHEMES)[number];
/** Where adapters may come from (every adapter engine: vllm, sglang, tgi). */
export const ADAPTER_SCHEMES: readonly ModelScheme[] = ['hf', 'pvc'];
/** The hub tokens model.credentials becomes; engine.env may never set them (no literal tokens). */
export const TOKEN_ENV = ['HF_TOKEN', 'NGC_API_KEY'] as const;

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
export const ANY_SCHEME = `^(${MODEL_SCHEMES.join('|')})://`;
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

export const Model = Type.Object(
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
