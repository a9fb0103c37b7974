// The Specialist resource: one SLM deployment (model + engine + GPUs) serving named tasks.
// Its parts are in specialist-model.ts, specialist-engine.ts, specialist-resources.ts and specialist-scaling.ts.
import { Type, type Static } from '@sinclair/typebox';
import type { ResourceMeta } from './resource-meta.js';
import { cel, celList, conditionList, dnsLabel, either, type CelRule } from './schema-helpers.js';
import {
  ADAPTER_ENGINES,
  Engine,
  GPU_ONLY_ENGINES,
  POD_ENGINE_RULES,
  POD_ENGINES,
  podEnginesWhere,
} from './specialist-engine.js';
import { ANY_SCHEME, MODEL_SCHEMES, Model } from './specialist-model.js';
import { Placement, Resources } from './specialist-resources.js';
import { OPENAI_SCALING_RULES, Scaling } from './specialist-scaling.js';

export {
  ADAPTER_ENGINES,
  DEFAULT_CALL_TIMEOUT_SECONDS,
  ENGINE_KINDS,
  GPU_ONLY_ENGINES,
  POD_ENGINE_RULES,
  TOOL_PARSER_ENGINES,
  type EngineKind,
  type PodEngineKind,
  type PodEngineRules,
} from './specialist-engine.js';
export { ADAPTER_SCHEMES, MODEL_SCHEMES, TOKEN_ENV, type ModelScheme } from './specialist-model.js';

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
