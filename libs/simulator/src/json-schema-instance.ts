import {
  type JsonSchema,
  type JsonValue,
  type SchemaObject,
  UnsupportedSchemaError,
  asSchema,
  count,
  isSchemaObject,
  mergeAll,
  typeOf,
  without,
} from './json-schema.js';
import { integerInstance, numberInstance, stringInstance } from './json-scalars.js';
import type { Rng } from './prng.js';

// Past this many nested $ref hops (recursive schemas: trees, linked lists), arrays keep only
// minItems and objects only their required properties, so the instance stays finite.
const FULL_REF_DEPTH = 3;
// Past this nesting the schema forces infinite recursion (a required self-reference).
const MAX_DEPTH = 64;

/**
 * A JSON value that satisfies `schema`, drawn from `rng` (so the same seed gives the same
 * value). Covers what structured-output schemas use: type (also lists of types),
 * properties/required (every property is filled), items/prefixItems, min/maxItems,
 * uniqueItems, enum, const, string lengths and the formats date, date-time, time, email, uuid,
 * uri, ipv4 and hostname, numeric bounds (inclusive and exclusive, draft-04 booleans too),
 * multipleOf, anyOf/oneOf (the first branch), allOf (merged), and local $ref (#/$defs,
 * #/definitions). Not covered: pattern, not, if/then/else, dependent*, patternProperties.
 * Throws UnsupportedSchemaError for remote $ref and schemas that recurse without end.
 */
export function instanceForSchema(schema: JsonSchema, rng: Rng): JsonValue {
  return new InstanceBuilder(schema, rng).build(schema, 0, 0);
}

class InstanceBuilder {
  constructor(
    private readonly root: JsonSchema,
    private readonly rng: Rng,
  ) {}

  build(schema: JsonSchema, depth: number, refDepth: number): JsonValue {
    if (depth > MAX_DEPTH)
      throw new UnsupportedSchemaError('the schema recurses without end (required self-reference)');
    if (typeof schema === 'boolean') return null; // `true` accepts anything; `false` nothing
    if (typeof schema.$ref === 'string') {
      // Keywords beside $ref apply too (draft 2019-09 on; older drafts ignore them).
      const target = mergeAll({}, [this.resolve(schema.$ref), without(schema, '$ref')]);
      return this.build(target, depth + 1, refDepth + 1);
    }
    if (Array.isArray(schema.allOf))
      return this.build(mergeAll(without(schema, 'allOf'), schema.allOf), depth + 1, refDepth);
    if ('const' in schema) return schema.const as JsonValue;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return this.rng.pick(schema.enum) as JsonValue;
    const [branch]: unknown[] = [schema.anyOf, schema.oneOf].find(Array.isArray) ?? [];
    if (branch !== undefined)
      return this.build(mergeAll(without(schema, 'anyOf', 'oneOf'), [branch]), depth + 1, refDepth);
    switch (typeOf(schema)) {
      case 'object':
        return this.object(schema, depth, refDepth);
      case 'array':
        return this.array(schema, depth, refDepth);
      case 'string':
        return stringInstance(schema, this.rng);
      case 'integer':
        return integerInstance(schema, this.rng);
      case 'number':
        return numberInstance(schema, this.rng);
      case 'boolean':
        return this.rng.next() < 0.5;
      default:
        return null;
    }
  }

  private object(schema: SchemaObject, depth: number, refDepth: number): JsonValue {
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [];
    const minimal = refDepth > FULL_REF_DEPTH;
    const entries: [string, JsonValue][] = [];
    for (const [name, property] of Object.entries(properties)) {
      if (minimal && !required.includes(name)) continue;
      entries.push([name, this.build(asSchema(property), depth + 1, refDepth)]);
    }
    // Required names without a property schema take the additionalProperties schema.
    const extra = isSchemaObject(schema.additionalProperties) ? schema.additionalProperties : true;
    for (const name of required) {
      if (!Object.hasOwn(properties, name)) entries.push([name, this.build(extra, depth + 1, refDepth)]);
    }
    // fromEntries defines own properties, so a property named "__proto__" stays a property.
    return Object.fromEntries(entries);
  }

  private array(schema: SchemaObject, depth: number, refDepth: number): JsonValue {
    // Tuples: draft 2020-12 prefixItems + items, or draft-07 items list + additionalItems.
    const tuple = Array.isArray(schema.items);
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : tuple ? (schema.items as unknown[]) : [];
    const rest = asSchema(tuple ? schema.additionalItems : schema.items);
    const min = count(schema.minItems) ?? 0;
    const max = count(schema.maxItems) ?? Infinity;
    const wanted = refDepth > FULL_REF_DEPTH ? min : Math.min(Math.max(prefix.length, this.rng.int(1, 3), min), max);
    const items: JsonValue[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < wanted; i++) {
      const itemSchema = i < prefix.length ? asSchema(prefix[i]) : rest;
      if (itemSchema === false) break;
      let item = this.build(itemSchema, depth + 1, refDepth);
      // uniqueItems: redraw a few times; a schema with too few distinct values cannot comply.
      for (let attempt = 0; schema.uniqueItems === true && seen.has(JSON.stringify(item)) && attempt < 8; attempt++) {
        item = this.build(itemSchema, depth + 1, refDepth);
      }
      seen.add(JSON.stringify(item));
      items.push(item);
    }
    return items;
  }

  /** A local JSON pointer into the root schema: "#", "#/$defs/Name", "#/definitions/a~1b". */
  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#')) throw new UnsupportedSchemaError(`only local $ref are supported, not ${ref}`);
    let target: unknown = this.root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchemaObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
      if (target === undefined) throw new UnsupportedSchemaError(`$ref ${ref} points at nothing`);
    }
    if (typeof target !== 'boolean' && !isSchemaObject(target)) {
      throw new UnsupportedSchemaError(`$ref ${ref} is not a schema`);
    }
    return target;
  }
}
