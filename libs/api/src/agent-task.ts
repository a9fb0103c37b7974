// The AgentTask resource: one task an agent calls by name, routed to Specialists.
import { Type, type Static } from '@sinclair/typebox';
import type { ResourceMeta } from './resource-meta.js';
import { cel, conditionList, dnsLabel, enumOf, freeForm, matching, secretKeyRef } from './schema-helpers.js';

export const REDACTIONS = ['email', 'phone', 'card', 'iban', 'ip', 'person'] as const;

const SpecialistRef = Type.Object({
  name: dnsLabel('A Specialist in the same namespace.', 'specialists[].name, a Specialist name,', 'invoice-extractor'),
  weight: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 1,
    description: 'Relative share of calls (canary split): weight / sum of weights.',
  }),
});

const Fallback = Type.Object(
  {
    url: matching('^https?://.+', 'fallback.url must be an http:// or https:// URL, e.g. https://api.openai.com/v1', {
      maxLength: 2048,
      description: 'OpenAI-compatible base URL of the larger model.',
    }),
    model: Type.String({ minLength: 1, maxLength: 256, description: 'Model name to ask for.' }),
    secretRef: Type.Optional(
      secretKeyRef('Secret holding the API key.', 'apiKey', 'fallback.secretRef', 'openai-api-key'),
    ),
    when: Type.Object(
      {
        noReadySpecialistMs: Type.Optional(
          Type.Integer({
            minimum: 0,
            description: 'Use the fallback when no specialist replica is ready within this time.',
          }),
        ),
        queueDelayMs: Type.Optional(
          Type.Integer({
            minimum: 0,
            description: 'Use the fallback when the call would wait longer than this in the queue.',
          }),
        ),
        schemaFailure: Type.Boolean({
          default: true,
          description: 'Use the fallback when the answer fails output.jsonSchema.',
        }),
        specialistError: Type.Boolean({
          default: true,
          description: 'Use the fallback when the specialist fails after retries.',
        }),
      },
      { default: {}, description: 'When to use the fallback.' },
    ),
  },
  { description: 'A larger model to call when the specialists cannot answer well.' },
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
    ...cel({
      rule: '!has(self.shadow) || !self.specialists.exists(s, s.name == self.shadow.specialist)',
      message: 'shadow.specialist must not also be in specialists (a shadow never answers live calls)',
      fieldPath: '.shadow.specialist',
    }),
  },
);
export type AgentTaskSpec = Static<typeof AgentTaskSpec>;

export const AgentTaskStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'The .metadata.generation this status describes.' })),
    conditions: Type.Optional(conditionList('Ready: every referenced Specialist exists and at least one is ready.')),
    readySpecialists: Type.Optional(Type.String({ description: 'Ready over referenced specialists, e.g. "1/2".' })),
    routes: Type.Optional(
      Type.Array(
        Type.Object({
          specialist: Type.String({ description: 'Specialist name.' }),
          weight: Type.Integer({ description: 'Its weight.' }),
          sharePercent: Type.Number({ description: 'Share of calls it gets while ready.' }),
          ready: Type.Boolean({ description: 'Whether it has a ready replica (or is an external endpoint).' }),
          queue: Type.Optional(Type.String({ description: 'Its queue name.' })),
        }),
        { maxItems: 16, description: 'Where calls go now (the routing view).' },
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
