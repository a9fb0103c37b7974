// Building blocks for Kubernetes structural schemas. TypeBox gives the TypeScript type and
// the OpenAPI schema from one definition; these helpers add what Kubernetes needs (enums
// as plain strings, maps as additionalProperties, CEL rules) without TypeBox's anyOf forms,
// which structural schemas reject.
import { Type, type SchemaOptions, type TSchema, type TUnsafe } from '@sinclair/typebox';

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/**
 * A CEL validation rule; `fieldPath` points the error at the offending field. `message` is
 * always given: it is what the API server says when a `messageExpression` cannot be evaluated,
 * and what docs/crd-reference.md and local mode show.
 */
export interface CelRule {
  rule: string;
  message: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export const cel = (...rules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } => ({
  'x-kubernetes-validations': rules,
});

/** A CEL string literal of `text` (raw when it holds backslashes, so a regex reads as written). */
export function celString(text: string): string {
  if (text.includes("'")) throw new Error(`cannot quote ${text} for CEL`);
  return text.includes('\\') ? `r'${text}'` : `'${text}'`;
}

/** A CEL list literal of plain words: ['a', 'b']. */
export const celList = (kinds: readonly string[]): string => `[${kinds.map((k) => `'${k}'`).join(', ')}]`;

/** "a, b or c" */
export const either = (words: readonly string[]): string =>
  words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;

/** The CEL rule `matching` puts beside a `pattern`. */
export const matchesRule = (pattern: string): string => `self.matches(${celString(pattern)})`;

interface StringOptions {
  description?: string;
  minLength?: number;
  maxLength: number;
}

/**
 * A string that must match `pattern`, refused with `message` (which says what is expected, with
 * an example) rather than the regular expression: the CRD gets a CEL rule instead of the
 * `pattern` (buildCrd drops a pattern its rule repeats); local mode's Ajv keeps the pattern
 * and shows the message. `maxLength` is required: it bounds the rule's cost.
 */
export function matching(pattern: string, message: string, options: StringOptions): TUnsafe<string> {
  return Type.Unsafe<string>({
    type: 'string',
    ...options,
    pattern,
    'x-kubernetes-validations': [{ rule: matchesRule(pattern), message }],
  });
}

/**
 * A DNS label (a Kubernetes object name): `what` names it in the message, e.g. "a task name",
 * with `example`.
 */
export function dnsLabel(description: string, what: string, example: string): TUnsafe<string> {
  return matching(
    DNS_LABEL_PATTERN,
    `${what} must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters, e.g. ${example}`,
    { minLength: 1, maxLength: 63, description },
  );
}

export function enumOf<T extends string>(values: readonly T[], options: SchemaOptions): TUnsafe<T> {
  return Type.Unsafe<T>({ ...options, type: 'string', enum: [...values] });
}

/** Node labels (keys and values as Kubernetes limits them), at most `maxProperties` of them. */
export function labelMap(description: string, maxProperties: number): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    maxProperties,
    additionalProperties: { type: 'string', maxLength: 63 },
    description,
    ...cel({
      rule: 'self.all(k, size(k) <= 317)',
      message: 'label keys are at most 317 characters (a 253-character prefix, "/" and a 63-character name)',
    }),
  });
}

/**
 * What the operator takes as a resource quantity: a non-negative whole or decimal number with
 * an optional suffix (no sign, no exponent). Kubernetes accepts more (e.g. "-8Gi", "1e3"); the
 * engine renderer does not, so neither does the CRD.
 */
export const QUANTITY_PATTERN = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';

/** A Kubernetes resource quantity such as "4", "500m" or "16Gi", refused negative. */
export function quantity(description: string, message: string): TUnsafe<string | number> {
  return Type.Unsafe<string | number>({
    'x-kubernetes-int-or-string': true,
    // Exactly this anyOf, or the schema is not structural; pattern and minimum apply to strings
    // and numbers only. buildCrd drops the pattern (the rule repeats it): the user reads `message`.
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    minimum: 0,
    maxLength: 64,
    description,
    ...cel({ rule: `type(self) == int ? self >= 0 : ${matchesRule(QUANTITY_PATTERN)}`, message }),
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

/** A reference to a key of a Secret; `field` and `example` (a Secret name) go in the messages. */
export const secretKeyRef = (description: string, defaultKey: string, field: string, example: string) =>
  Type.Object(
    {
      name: dnsSubdomain('Name of a Secret in the same namespace.', `${field}.name, a Secret name,`, example),
      key: Type.Unsafe<string>({
        ...matching('^[-._a-zA-Z0-9]+$', `${field}.key must be a Secret data key: letters, digits, '-', '_' or '.'`, {
          minLength: 1,
          maxLength: 253,
          description: 'Key within the Secret.',
        }),
        default: defaultKey,
      }),
    },
    { description },
  );

export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

export function dnsSubdomain(description: string, what: string, example: string): TUnsafe<string> {
  return matching(
    DNS_SUBDOMAIN_PATTERN,
    `${what} must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. ${example}`,
    { minLength: 1, maxLength: 253, description },
  );
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
