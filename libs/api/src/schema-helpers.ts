// Building blocks for Kubernetes structural schemas. TypeBox gives the TypeScript type and
// the OpenAPI schema from one definition; these helpers add what Kubernetes needs (enums
// as plain strings, maps as additionalProperties, CEL rules) without TypeBox's anyOf forms,
// which structural schemas reject.
import { Type, type SchemaOptions, type TSchema, type TUnsafe } from '@sinclair/typebox';

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A CEL validation rule; `fieldPath` points the error at the offending field. */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export const cel = (...rules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } => ({
  'x-kubernetes-validations': rules,
});

export function dnsLabel(description: string): TUnsafe<string> {
  return Type.Unsafe<string>({ type: 'string', pattern: DNS_LABEL_PATTERN, minLength: 1, maxLength: 63, description });
}

export function enumOf<T extends string>(values: readonly T[], options: SchemaOptions): TUnsafe<T> {
  return Type.Unsafe<T>({ ...options, type: 'string', enum: [...values] });
}

export function stringMap(description: string): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    description,
  });
}

/** A Kubernetes resource quantity such as "4", "500m" or "16Gi". */
export function quantity(description: string): TUnsafe<string | number> {
  return Type.Unsafe<string | number>({
    'x-kubernetes-int-or-string': true,
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    description,
  });
}

/** Any JSON object kept as given (for embedded Kubernetes types and JSON Schemas). */
export function freeForm(description: string): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description,
  });
}

export const secretKeyRef = (description: string, defaultKey: string) =>
  Type.Object(
    {
      name: dnsSubdomain('Name of a Secret in the same namespace.'),
      key: Type.String({ default: defaultKey, minLength: 1, maxLength: 253, description: 'Key within the Secret.' }),
    },
    { description },
  );

export function dnsSubdomain(description: string): TUnsafe<string> {
  return Type.Unsafe<string>({
    type: 'string',
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    minLength: 1,
    maxLength: 253,
    description,
  });
}

/** metav1.Condition, as kubebuilder generates it. */
export const ConditionSchema = Type.Object(
  {
    type: Type.String({ maxLength: 316, description: 'Type of condition: Ready, Progressing or Degraded.' }),
    status: enumOf(['True', 'False', 'Unknown'] as const, { description: 'Status of the condition.' }),
    observedGeneration: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The .metadata.generation the condition was set for.' }),
    ),
    lastTransitionTime: Type.String({ format: 'date-time', description: 'When the status last changed.' }),
    reason: Type.String({
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      description: 'Machine-readable reason in CamelCase, e.g. InsufficientGPU.',
    }),
    message: Type.String({ maxLength: 32768, description: 'What happened, for a person.' }),
  },
  { description: 'A condition in the Kubernetes style.' },
);

export const conditionList = (description: string) =>
  Type.Array(ConditionSchema, {
    description,
    maxItems: 16,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });

export type { TSchema };
