// The Specialist's scaling bounds and targets, and the rules that refuse autoscaler fields on engine.kind openai.
import { Type } from '@sinclair/typebox';
import { cel, enumOf, type CelRule } from './schema-helpers.js';

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
export const OPENAI_SCALING_RULES: CelRule[] = [
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

export const Scaling = Type.Object(scalingFields, {
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
