// Every generated instance is checked by a real validator (ajv, draft-07, full formats), over
// many seeds, so a keyword the generator gets wrong fails here.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { instanceForSchema } from './json-schema-instance.js';
import { type JsonSchema, UnsupportedSchemaError } from './json-schema.js';
import { createRng } from './prng.js';

const ajv = addFormats.default(new Ajv({ allErrors: true }));
const SEEDS = Array.from({ length: 40 }, (_, i) => i * 7919 + 1);

function expectValid(schema: JsonSchema): void {
  const validate = ajv.compile(schema as object);
  for (const seed of SEEDS) {
    const instance = instanceForSchema(schema, createRng(seed));
    if (!validate(instance)) {
      throw new Error(`seed ${seed}: ${JSON.stringify(instance)} fails: ${ajv.errorsText(validate.errors)}`);
    }
  }
}

describe('instanceForSchema', () => {
  it('satisfies an extraction schema: nested objects, arrays, formats, enums and bounds', () => {
    expectValid({
      type: 'object',
      additionalProperties: false,
      required: ['invoice_id', 'issued', 'vendor', 'lines', 'status', 'total'],
      properties: {
        invoice_id: { type: 'string', format: 'uuid' },
        issued: { type: 'string', format: 'date' },
        updated_at: { type: 'string', format: 'date-time' },
        contact: { type: 'string', format: 'email' },
        vendor: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 3, maxLength: 12 }, vat: { type: ['string', 'null'] } },
          required: ['name', 'vat'],
        },
        lines: {
          type: 'array',
          minItems: 2,
          maxItems: 5,
          items: {
            type: 'object',
            properties: {
              sku: { type: 'string', maxLength: 4 },
              quantity: { type: 'integer', minimum: 1, maximum: 3 },
              unit_price: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            },
            required: ['sku', 'quantity', 'unit_price'],
          },
        },
        status: { enum: ['draft', 'sent', 'paid'] },
        currency: { const: 'EUR' },
        total: { type: 'number', minimum: 0 },
        paid: { type: 'boolean' },
        note: { type: 'null' },
      },
    });
  });

  it.each(['^[A-Z]{3}$', '^INV-[0-9]{4,6}$', '[a-z]+@[a-z]+\\.com', '^(low|medium|high)$'])(
    'matches the pattern %s',
    (pattern) => expectValid({ type: 'string', pattern }),
  );

  it('fills every property, required or not', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] };
    expect(Object.keys(instanceForSchema(schema, createRng(1)) as object)).toEqual(['a', 'b']);
  });

  it('follows $ref into $defs and definitions, with sibling keywords', () => {
    expectValid({
      type: 'object',
      properties: {
        customer: { $ref: '#/$defs/Person', description: 'who pays' },
        seller: { $ref: '#/definitions/Person' },
      },
      required: ['customer', 'seller'],
      $defs: {
        Person: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
      },
      definitions: { Person: { $ref: '#/$defs/Person' } },
    });
  });

  it('ends recursive schemas by dropping optional parts deep down', () => {
    const tree = {
      $ref: '#/$defs/Node',
      $defs: {
        Node: {
          type: 'object',
          properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
          required: ['label'],
        },
      },
    };
    expectValid(tree);
  });

  it('reports a schema that can only recurse forever as unsupported', () => {
    const list = {
      $ref: '#/$defs/Cell',
      $defs: { Cell: { type: 'object', properties: { next: { $ref: '#/$defs/Cell' } }, required: ['next'] } },
    };
    expect(() => instanceForSchema(list, createRng(1))).toThrow(UnsupportedSchemaError);
  });

  it('rejects $ref it cannot follow', () => {
    expect(() => instanceForSchema({ $ref: 'https://example.com/schema.json' }, createRng(1))).toThrow('only local');
    expect(() => instanceForSchema({ $ref: '#/$defs/Missing' }, createRng(1))).toThrow('points at nothing');
  });

  it('takes the first branch of anyOf and oneOf, keeping sibling keywords', () => {
    expectValid({ anyOf: [{ type: 'integer', minimum: 5, maximum: 6 }, { type: 'null' }] });
    expectValid({ oneOf: [{ type: 'string', format: 'date' }, { type: 'integer' }] });
    const pydanticOptional = { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Nickname' };
    expect(typeof instanceForSchema(pydanticOptional, createRng(3))).toBe('string');
  });

  it('merges allOf', () => {
    expectValid({
      allOf: [
        { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        { type: 'object', properties: { tag: { type: 'string', minLength: 2 } }, required: ['tag'] },
      ],
    });
  });

  it('keeps integers within inclusive, exclusive and draft-04 bounds, on multipleOf steps', () => {
    expectValid({ type: 'integer', minimum: -7, maximum: -3 });
    expectValid({ type: 'integer', exclusiveMinimum: 2.5, exclusiveMaximum: 4.5 });
    expectValid({ type: 'integer', minimum: 10, multipleOf: 7 });
    expectValid({ type: 'integer', maximum: -10, multipleOf: 3 });
    expectValid({ type: 'integer', minimum: 0, maximum: 100, multipleOf: 25 });
    // ajv validates draft-07, where exclusiveMinimum: true means nothing, so the draft-04 form
    // is checked by hand: the only integer in (1, 2] is 2.
    expect(distinctInstances({ type: 'integer', minimum: 1, exclusiveMinimum: true, maximum: 2 })).toEqual([2]);
  });

  it('keeps numbers within their bounds, including a single allowed point', () => {
    expectValid({ type: 'number', minimum: 0.1, maximum: 0.2 });
    expectValid({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 0.001 });
    expectValid({ type: 'number', minimum: 3.5, maximum: 3.5 });
    expectValid({ type: 'number', maximum: -1000 });
    expectValid({ type: 'number', multipleOf: 0.5, minimum: 1, maximum: 9 });
  });

  it('meets string lengths, long and short', () => {
    expectValid({ type: 'string', minLength: 200 });
    expectValid({ type: 'string', maxLength: 1 });
    expectValid({ type: 'string', minLength: 5, maxLength: 5 });
  });

  it('produces the formats ajv checks', () => {
    for (const format of ['date', 'date-time', 'time', 'email', 'uuid', 'uri', 'ipv4', 'hostname']) {
      expectValid({ type: 'string', format });
    }
  });

  it('sizes arrays by minItems and maxItems, fills tuples, and keeps uniqueItems', () => {
    expectValid({ type: 'array', items: { type: 'integer' }, minItems: 6, maxItems: 6 });
    expectValid({ type: 'array', items: { type: 'string' }, maxItems: 0 });
    expectValid({
      type: 'array',
      items: [{ type: 'string' }, { type: 'boolean' }],
      additionalItems: false,
      minItems: 2,
    });
    expectValid({
      type: 'array',
      items: { type: 'integer', minimum: 0, maximum: 1000 },
      uniqueItems: true,
      minItems: 3,
    });
  });

  it('infers the type from keywords when none is given, and answers null for an open schema', () => {
    expect(instanceForSchema({ properties: { a: { const: 1 } } }, createRng(1))).toEqual({ a: 1 });
    expect(typeof instanceForSchema({ minLength: 2 }, createRng(1))).toBe('string');
    expect(instanceForSchema({}, createRng(1))).toBeNull();
    expect(instanceForSchema(true, createRng(1))).toBeNull();
  });

  it('gives the same instance for the same seed', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' }, c: { format: 'uuid' } },
    };
    expect(instanceForSchema(schema, createRng(5))).toEqual(instanceForSchema(schema, createRng(5)));
    expect(instanceForSchema(schema, createRng(5))).not.toEqual(instanceForSchema(schema, createRng(6)));
  });

  it('keeps a property named __proto__ as a property', () => {
    const instance = instanceForSchema(
      { type: 'object', properties: { ['__proto__']: { const: 1 } }, required: ['__proto__'] },
      createRng(1),
    );
    expect(JSON.stringify(instance)).toBe('{"__proto__":1}');
  });
});

function distinctInstances(schema: JsonSchema): unknown[] {
  return [...new Set(SEEDS.map((seed) => instanceForSchema(schema, createRng(seed))))];
}
