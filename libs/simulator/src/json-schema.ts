// JSON Schema as the generator reads it: loosely typed, because request schemas are user input.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonSchema = boolean | SchemaObject;
export type SchemaObject = { readonly [keyword: string]: unknown };

/** A schema the generator cannot satisfy: engines answer these with HTTP 400. */
export class UnsupportedSchemaError extends Error {}

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A subschema keyword's value as a schema; absent or malformed means "anything" (`true`). */
export function asSchema(value: unknown): JsonSchema {
  return typeof value === 'boolean' || isSchemaObject(value) ? value : true;
}

export function without(schema: SchemaObject, ...keywords: string[]): SchemaObject {
  return Object.fromEntries(Object.entries(schema).filter(([keyword]) => !keywords.includes(keyword)));
}

/** allOf as one schema: later keywords win, but properties and required add up. */
export function mergeAll(base: SchemaObject, schemas: readonly unknown[]): SchemaObject {
  let merged: Record<string, unknown> = { ...base };
  for (const schema of schemas) {
    if (!isSchemaObject(schema)) continue;
    const next: Record<string, unknown> = { ...merged, ...schema };
    if ('properties' in merged || 'properties' in schema) {
      next.properties = { ...asRecord(merged.properties), ...asRecord(schema.properties) };
    }
    if ('required' in merged || 'required' in schema) {
      next.required = [...asArray(merged.required), ...asArray(schema.required)];
    }
    merged = next;
  }
  return merged;
}

/** The type to generate: the first non-null of a type list, else inferred from the keywords. */
export function typeOf(schema: SchemaObject): string {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') ?? 'null';
  const has = (...keywords: string[]): boolean => keywords.some((k) => k in schema);
  if (has('properties', 'required', 'additionalProperties')) return 'object';
  if (has('items', 'prefixItems', 'minItems', 'maxItems')) return 'array';
  if (has('minLength', 'maxLength', 'format', 'pattern')) return 'string';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return 'number';
  return 'null';
}

export const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
/** A non-negative integer keyword (minItems, maxLength, ...). */
export const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
const asRecord = (value: unknown): SchemaObject => (isSchemaObject(value) ? value : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
