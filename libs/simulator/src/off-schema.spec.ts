import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { instanceForSchema } from './json-schema-instance.js';
import type { JsonSchema, JsonValue } from './json-schema.js';
import { breakInstance } from './off-schema.js';
import { createRng } from './prng.js';

const invoice = {
  type: 'object',
  required: ['total', 'currency'],
  properties: { total: { type: 'number' }, currency: { type: 'string', enum: ['EUR', 'USD'] } },
};

describe('breakInstance', () => {
  it.each<[string, JsonSchema, JsonValue, JsonValue | undefined]>([
    ['drops the first required property', invoice, { total: 1, currency: 'EUR' }, { currency: 'EUR' }],
    [
      'gives a typed property another type when nothing is required',
      { type: 'object', properties: { ok: { type: 'boolean' } } },
      { ok: true },
      { ok: { off_schema: true } },
    ],
    ['an untyped object schema without required: another type at the top', { type: 'object' }, {}, ['off-schema']],
    ['a string schema: an object', { type: 'string' }, 'x', { off_schema: true }],
    ['a type list: a type outside it', { type: ['object', 'array'] }, {}, 'off-schema'],
    [
      'follows a local $ref at the top',
      { $ref: '#/$defs/Invoice', $defs: { Invoice: invoice } },
      { total: 1, currency: 'USD' },
      { currency: 'USD' },
    ],
    [
      'merges allOf at the top',
      { allOf: [{ type: 'object', required: ['a'] }, { required: ['b'] }] },
      { a: 1, b: 2 },
      { b: 2 },
    ],
    ['a schema that takes anything: nothing to break', true, { a: 1 }, undefined],
    ['no type, no required, no typed property: nothing to break', { properties: { a: {} } }, { a: 1 }, undefined],
    ['every type allowed: nothing to break', { type: ['object', 'array', 'string', 'boolean'] }, 'x', undefined],
  ])('%s', (_case, schema, value, expected) => {
    expect(breakInstance(schema, value)).toEqual(expected);
  });

  it.each<JsonSchema>([
    invoice,
    { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false },
    { type: 'array', items: { type: 'string' } },
    { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
  ])('what it makes fails validation: %j', (schema) => {
    const value = instanceForSchema(schema, createRng(3));
    const validate = new Ajv({ strict: false }).compile(schema as object);
    expect(validate(value)).toBe(true);
    expect(validate(breakInstance(schema, value))).toBe(false);
  });
});
