// Answers that break the schema they were asked to follow: what a small model does now and
// then, and what the router's schema and tool-argument checks must catch.
import {
  type JsonSchema,
  type JsonValue,
  asSchema,
  isSchemaObject,
  mergeAll,
  type SchemaObject,
} from './json-schema.js';

/** A value of each JSON type, one of which lies outside any type list but the widest. */
const WRONG_TYPED: readonly [string, JsonValue][] = [
  ['object', { off_schema: true }],
  ['array', ['off-schema']],
  ['string', 'off-schema'],
  ['boolean', true],
];

/**
 * `value` (an instance of `schema`) changed so that it no longer satisfies `schema`, or
 * undefined when the schema accepts anything this could make. In order of preference: a
 * required property left out; a typed property given a value of another type; a value of
 * another type than the schema's. Local $ref and allOf at the top are followed.
 */
export function breakInstance(schema: JsonSchema, value: JsonValue): JsonValue | undefined {
  const top = topLevel(schema);
  if (top === undefined) return undefined;
  if (isObject(value)) {
    const required = Array.isArray(top.required) ? top.required.filter((key) => typeof key === 'string') : [];
    const dropped = required.find((key) => key in value);
    if (dropped !== undefined) return Object.fromEntries(Object.entries(value).filter(([key]) => key !== dropped));
    const properties = isSchemaObject(top.properties) ? top.properties : {};
    for (const [key, property] of Object.entries(properties)) {
      const replacement = isSchemaObject(property) ? wrongTyped(property.type) : undefined;
      if (key in value && replacement !== undefined) return { ...value, [key]: replacement };
    }
  }
  return wrongTyped(top.type);
}

/** The schema's top level as one object: local $ref followed once, allOf merged. */
function topLevel(schema: JsonSchema): SchemaObject | undefined {
  if (!isSchemaObject(schema)) return undefined;
  let top: SchemaObject = schema;
  if (typeof top.$ref === 'string') {
    const [, keyword, name] = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(top.$ref) ?? [];
    const defs = keyword === undefined ? undefined : schema[keyword];
    const target = isSchemaObject(defs) && name !== undefined ? asSchema(defs[name]) : undefined;
    if (!isSchemaObject(target)) return undefined;
    top = target;
  }
  return Array.isArray(top.allOf) ? mergeAll(top, top.allOf) : top;
}

/** A value whose JSON type `type` (a name or a list) does not allow; undefined without a type. */
function wrongTyped(type: unknown): JsonValue | undefined {
  const allowed = typeof type === 'string' ? [type] : Array.isArray(type) ? type : undefined;
  if (allowed === undefined) return undefined;
  return WRONG_TYPED.find(([name]) => !allowed.includes(name))?.[1];
}

const isObject = (value: JsonValue): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
