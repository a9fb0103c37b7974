// The AgentTask resource: one task an agent calls by name, routed to Specialists.
import { Type, type Static } from '@sinclair/typebox';
import type { ResourceMeta } from './resource-meta.js';
import { cel, conditionList, dnsLabel, enumOf, freeForm, matching } from './schema-helpers.js';

export const REDACTIONS = ['email', 'phone', 'card', 'iban', 'ip', 'person'] as const;

/** An adapter of the named Specialist (one of its model.adapters[].name), instead of its base model. */
const adapterRef = (field: string, example: string) =>
  Type.Optional(
    dnsLabel(
      `A LoRA adapter of that Specialist (one of its model.adapters[].name): calls ask the engine for the adapter instead of the base model. Tasks on adapters of one base share its replicas and queue. The operator reports an adapter the Specialist does not have as Ready=False, AdapterNotFound.`,
      `${field}, an adapter name,`,
      example,
    ),
  );

const SpecialistRef = Type.Object({
  name: dnsLabel('A Specialist in the same namespace.', 'specialists[].name, a Specialist name,', 'invoice-extractor'),
  weight: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 1,
    description: 'Relative share of calls (canary split): weight / sum of weights.',
  }),
  adapter: adapterRef('specialists[].adapter', 'invoice-lora'),
});

/** When a call goes to the fallback Specialist. A trigger not named never fires. */
const FallbackWhen = Type.Object(
  {
    noReadySpecialistMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600000,
        description:
          'Use the fallback when no specialist has a ready replica (status.readyReplicas 0 on every route) for this long after the call arrives.',
      }),
    ),
    queueDelayMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3600000,
        description:
          'Use the fallback when the queue wait predicted as the call arrives (from queue depth and service rate) exceeds this.',
      }),
    ),
    overflow: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Send a call to the fallback when its predicted queue wait plus expected service time exceeds spec.targetLatencyMs (which it needs): only the excess of a burst goes, and calls return to the specialists as replicas become ready.',
      }),
    ),
    schemaFailure: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Use the fallback when the answer fails output.jsonSchema or the tool-arguments check.',
      }),
    ),
    repairFirst: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'On a schema failure, first ask the specialist once more with the validation error; fall back only if that answer fails too. Needs schemaFailure.',
      }),
    ),
    specialistError: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Use the fallback when the specialist fails after its retries.',
      }),
    ),
    minMeanLogprob: Type.Optional(
      Type.Number({
        maximum: 0,
        description:
          "Use the fallback when the answer's mean token log-probability is below this (e.g. -1.5): low confidence. Only where the engine returns logprobs; the router asks for them and strips them unless the caller asked.",
      }),
    ),
  },
  {
    default: {},
    description: 'When to use the fallback; a trigger not named never fires.',
    ...cel({
      rule: '!has(self.repairFirst) || !self.repairFirst || !has(self.schemaFailure) || self.schemaFailure',
      message: 'fallback.when.repairFirst needs fallback.when.schemaFailure: the repair is asked on a schema failure',
      fieldPath: '.repairFirst',
    }),
  },
);

export type FallbackWhen = Static<typeof FallbackWhen>;

/** The triggers' values when fallback.when leaves them out (as the API server fills them in). */
export const FALLBACK_WHEN_DEFAULTS = {
  overflow: false,
  schemaFailure: true,
  repairFirst: false,
  specialistError: true,
} as const satisfies FallbackWhen;

const Fallback = Type.Object(
  {
    specialist: dnsLabel(
      'The Specialist (in the same namespace) that answers when a trigger fires, usually a large model (engine.kind openai). Its queue keeps priorities, deadlines and idempotency like any other.',
      'fallback.specialist, a Specialist name,',
      'large-model',
    ),
    adapter: adapterRef('fallback.adapter', 'invoice-lora'),
    when: FallbackWhen,
  },
  { description: 'Another Specialist to answer when the specialists cannot answer well, and when.' },
);

const Tool = Type.Object({
  name: matching(
    '^[a-zA-Z0-9_-]{1,64}$',
    "tools[].name must be 1-64 letters, digits, '_' or '-' (OpenAI's rule), e.g. get_weather",
    {
      maxLength: 64,
      description:
        "The function's name, as in a call's tools[].function.name (OpenAI's rule: 1-64 letters, digits, _ or -).",
    },
  ),
  description: Type.Optional(Type.String({ maxLength: 4096, description: 'What the function does, for the model.' })),
  parameters: Type.Optional(
    freeForm(
      "JSON Schema of the function's arguments; a call must offer the tool with the same parameters. The operator compiles it and reports one that is not valid JSON Schema as Ready=False, InvalidSpec.",
    ),
  ),
  strict: Type.Optional(
    Type.Boolean({ description: "Always check this tool's call arguments against its parameters schema." }),
  ),
});

export const AgentTaskSpec = Type.Object(
  {
    specialists: Type.Array(SpecialistRef, {
      minItems: 1,
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      description: 'Specialists that serve this task, with weights for a canary split.',
    }),
    shadow: Type.Optional(
      Type.Object(
        {
          specialist: dnsLabel(
            'A Specialist that gets a copy of sampled calls; its answers are compared, never returned.',
            'shadow.specialist, a Specialist name,',
            'invoice-extractor-v2',
          ),
          sampleRate: Type.Number({ minimum: 0, maximum: 1, description: 'Share of calls copied, 0 to 1.' }),
          adapter: adapterRef('shadow.adapter', 'invoice-lora-v2'),
        },
        { description: 'Shadow-test a candidate specialist on live traffic.' },
      ),
    ),
    fallback: Type.Optional(Fallback),
    output: Type.Optional(
      Type.Object(
        {
          jsonSchema: freeForm(
            'JSON Schema the answer must satisfy; passed to engines that support guided decoding. The operator compiles it and reports a schema that is not valid JSON Schema as Ready=False, InvalidSpec.',
          ),
        },
        { description: 'Structured output.' },
      ),
    ),
    tools: Type.Optional(
      Type.Array(Tool, {
        maxItems: 128,
        // A map list: the API server refuses two tools of one name.
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: "The tool set this task serves: a call's tools must be among these (same name and parameters).",
      }),
    ),
    // Optional in the type (the API server fills the default; objects built in code may omit it).
    validateToolArguments: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "Check every tool call's arguments against the tool's parameters schema (tools marked strict are always checked); a failure is FAILED_PRECONDITION TOOL_ARGUMENTS_INVALID.",
      }),
    ),
    priority: Type.Integer({
      minimum: -1000,
      maximum: 1000,
      default: 0,
      description: 'Higher runs first under backlog and gets free GPUs first; negative calls are shed under overload.',
    }),
    targetLatencyMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 3600000,
        description:
          "Latency the task's calls should meet; under a backlog the autoscaler adds replicas of its Specialists to meet it.",
      }),
    ),
    timeoutMs: Type.Integer({
      minimum: 1,
      maximum: 3600000,
      default: 30000,
      description: 'Deadline of a call when the caller sets none.',
    }),
    retries: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 1,
      description: 'Retries after a transient specialist error.',
    }),
    capture: Type.Optional(
      Type.Object(
        {
          sampleRate: Type.Number({
            minimum: 0,
            maximum: 1,
            description: 'Share of calls captured for the conversion loop.',
          }),
          redact: Type.Array(enumOf(REDACTIONS, { description: 'A kind of personal data to scrub.' }), {
            maxItems: REDACTIONS.length,
            'x-kubernetes-list-type': 'set',
            default: ['email', 'phone', 'card'],
            description: 'Personal data scrubbed before a call is stored.',
          }),
        },
        { description: 'Capture calls (scrubbed) to find and train new specialists.' },
      ),
    ),
  },
  {
    description: 'How calls to this task are routed, bounded and checked.',
    ...cel(
      {
        rule: '!has(self.shadow) || !self.specialists.exists(s, s.name == self.shadow.specialist)',
        message: 'shadow.specialist must not also be in specialists (a shadow never answers live calls)',
        fieldPath: '.shadow.specialist',
      },
      {
        rule: '!has(self.fallback) || !self.specialists.exists(s, s.name == self.fallback.specialist)',
        message:
          'fallback.specialist must not also be in specialists: the fallback answers when they cannot, so it must be another Specialist',
        fieldPath: '.fallback.specialist',
      },
      {
        rule: '!has(self.fallback) || !has(self.shadow) || self.fallback.specialist != self.shadow.specialist',
        message:
          'fallback.specialist must not be shadow.specialist: a shadow is a candidate under test and never answers callers',
        fieldPath: '.fallback.specialist',
      },
      {
        rule: '!has(self.fallback) || !has(self.fallback.when.overflow) || !self.fallback.when.overflow || has(self.targetLatencyMs)',
        message:
          'fallback.when.overflow needs spec.targetLatencyMs: overflow sends the calls whose predicted wait and service time exceed it',
        fieldPath: '.fallback.when.overflow',
      },
    ),
  },
);
export type AgentTaskSpec = Static<typeof AgentTaskSpec>;
export type AgentTaskFallback = Static<typeof Fallback>;

export const AgentTaskStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'The .metadata.generation this status describes.' })),
    conditions: Type.Optional(
      conditionList(
        'Ready: every referenced Specialist (specialists, shadow, fallback) exists with the adapters named, and at least one of specialists is ready.',
      ),
    ),
    readySpecialists: Type.Optional(Type.String({ description: 'Ready over referenced specialists, e.g. "1/2".' })),
    routes: Type.Optional(
      Type.Array(
        Type.Object({
          specialist: Type.String({ description: 'Specialist name.' }),
          weight: Type.Integer({ description: 'Its weight.' }),
          sharePercent: Type.Number({ description: 'Share of calls it gets while ready.' }),
          ready: Type.Boolean({ description: 'Whether it has a ready replica (or is an external endpoint).' }),
          queue: Type.Optional(Type.String({ description: 'Its queue name.' })),
          adapter: Type.Optional(Type.String({ description: 'The adapter its calls ask for, if any.' })),
        }),
        { maxItems: 16, description: 'Where calls go now (the routing view).' },
      ),
    ),
    shadow: Type.Optional(
      Type.Object(
        {
          specialist: Type.String({ description: 'The shadow Specialist these counts are for.' }),
          since: Type.Optional(
            Type.String({ format: 'date-time', description: 'When the first comparison was counted.' }),
          ),
          compared: Type.Integer({ description: 'Calls whose live and shadow answers were compared.' }),
          agreed: Type.Integer({ description: 'Comparisons where the shadow agreed with the live answer.' }),
          agreementPercent: Type.Optional(
            Type.Number({ description: 'agreed / compared, in percent (absent before the first comparison).' }),
          ),
          schemaValidPercent: Type.Optional(
            Type.Number({
              description:
                "Share of compared shadow answers that met the task's output schema and tool contract, in percent.",
            }),
          ),
          shadowFailed: Type.Integer({
            description: 'Shadow calls that failed, timed out or were shed (not compared).',
          }),
        },
        {
          description:
            'Agreement of the shadow Specialist with the live answers, counted by the routers (the evidence a promotion needs).',
        },
      ),
    ),
    fallback: Type.Optional(
      Type.Object(
        {
          specialist: Type.String({ description: 'The fallback Specialist.' }),
          ready: Type.Boolean({ description: 'Whether it exists and is Ready (can take calls).' }),
        },
        { description: 'The fallback Specialist and whether it can answer now.' },
      ),
    ),
  },
  { description: 'What the operator observed.' },
);
export type AgentTaskStatus = Static<typeof AgentTaskStatus>;

export interface AgentTask {
  apiVersion: 'slm.dev/v1alpha1';
  kind: 'AgentTask';
  metadata: ResourceMeta;
  spec: AgentTaskSpec;
  status?: AgentTaskStatus;
}
