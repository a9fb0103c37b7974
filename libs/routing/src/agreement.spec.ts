import { describe, expect, it } from 'vitest';
import { SchemaValidators } from '@slm-fleet/calls';
import type { CallResult } from '@slm-fleet/queue';
import {
  compareAnswers,
  normaliseWords,
  schemaCheckOf,
  textSimilarity,
  type AnswerAgreement,
  type ComparableAnswer,
  type ComparableTool,
} from './agreement.js';

// The router's own validator: compareAnswers takes it as it is.
const validator = new SchemaValidators();

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    total: { type: 'number' },
    address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } } },
  },
  required: ['name', 'total'],
};

const text = (output: string): ComparableAnswer => ({ output, finishReason: 'stop' });
const calls = (...list: [name: string, args: string][]): ComparableAnswer => ({
  output: '',
  finishReason: 'tool_calls',
  toolCalls: list.map(([name, args]) => ({ function: { name, arguments: args } })),
});

const tools: ComparableTool[] = [
  {
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  { function: { name: 'get_time' } },
];

describe('compareAnswers: JSON under a schema', () => {
  const cases: { name: string; live: string; shadow: string; expected: AnswerAgreement }[] = [
    {
      name: 'equal answers agree',
      live: '{"name":"Ada","total":3,"address":{"city":"Paris","zip":"75001"}}',
      shadow: '{"name":"Ada","total":3,"address":{"city":"Paris","zip":"75001"}}',
      expected: {
        agree: true,
        kind: 'json',
        fields: { compared: 3, equal: 3, differing: [] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'a differing field disagrees, and is named',
      live: '{"name":"Ada","total":3}',
      shadow: '{"name":"Bob","total":3}',
      expected: {
        agree: false,
        kind: 'json',
        reason: 'fields_differ',
        fields: { compared: 3, equal: 2, differing: ['name'] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'a nested difference is a difference of its top-level field',
      live: '{"name":"Ada","total":3,"address":{"city":"Paris","zip":"75001"}}',
      shadow: '{"name":"Ada","total":3,"address":{"city":"Paris","zip":"75002"}}',
      expected: {
        agree: false,
        kind: 'json',
        reason: 'fields_differ',
        fields: { compared: 3, equal: 2, differing: ['address'] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'a field present in one answer only differs',
      live: '{"name":"Ada","total":3,"address":{"city":"Paris"}}',
      shadow: '{"name":"Ada","total":3}',
      expected: {
        agree: false,
        kind: 'json',
        reason: 'fields_differ',
        fields: { compared: 3, equal: 2, differing: ['address'] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'an extra field outside the schema is ignored',
      live: '{"name":"Ada","total":3,"note":"first"}',
      shadow: '{"name":"Ada","total":3,"note":"second","more":true}',
      expected: {
        agree: true,
        kind: 'json',
        fields: { compared: 3, equal: 3, differing: [] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'key order is irrelevant, nested too',
      live: '{"name":"Ada","total":3,"address":{"city":"Paris","zip":"75001"}}',
      shadow: '{"address":{"zip":"75001","city":"Paris"},"total":3,"name":"Ada"}',
      expected: {
        agree: true,
        kind: 'json',
        fields: { compared: 3, equal: 3, differing: [] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'numbers are equal by value (1, 1.0, 1e0), whitespace is irrelevant',
      live: '{"name":"Ada","total":1}',
      shadow: '{ "name": "Ada", "total": 1.0 }',
      expected: {
        agree: true,
        kind: 'json',
        fields: { compared: 3, equal: 3, differing: [] },
        shadowSchemaValid: true,
      },
    },
    {
      name: 'an off-schema shadow disagrees',
      live: '{"name":"Ada","total":3}',
      shadow: '{"name":"Ada","total":"three"}',
      expected: { agree: false, kind: 'json', reason: 'shadow_off_schema', shadowSchemaValid: false },
    },
    {
      name: 'a shadow missing a required field is off-schema',
      live: '{"name":"Ada","total":3}',
      shadow: '{"name":"Ada"}',
      expected: { agree: false, kind: 'json', reason: 'shadow_off_schema', shadowSchemaValid: false },
    },
    {
      name: 'a shadow that is not JSON disagrees',
      live: '{"name":"Ada","total":3}',
      shadow: 'Sure! {"name":"Ada","total":3}',
      expected: { agree: false, kind: 'json', reason: 'shadow_not_json', shadowSchemaValid: false },
    },
    {
      name: 'a live answer that is not JSON leaves nothing to agree with',
      live: 'oops',
      shadow: '{"name":"Ada","total":3}',
      expected: { agree: false, kind: 'json', reason: 'live_not_json', shadowSchemaValid: true },
    },
  ];
  it.each(cases)('$name', ({ live, shadow, expected }) => {
    expect(compareAnswers({ live: text(live), shadow: text(shadow), jsonSchema: schema, validator })).toEqual(expected);
  });

  it('compares a schema without properties as one whole value', () => {
    const arraySchema = { type: 'array', items: { type: 'number' } };
    const compare = (live: string, shadow: string) =>
      compareAnswers({ live: text(live), shadow: text(shadow), jsonSchema: arraySchema, validator });
    expect(compare('[1, 2]', '[1.0,2]')).toMatchObject({ agree: true, fields: { compared: 1, equal: 1 } });
    expect(compare('[1, 2]', '[2, 1]')).toMatchObject({ agree: false, fields: { differing: ['$'] } });
  });

  it('reads only own fields (a schema field named constructor is absent from both, so equal)', () => {
    // A check that passes everything: Ajv without ownProperties itself reads `constructor` from the prototype.
    const odd = { type: 'object', properties: { constructor: { type: 'string' }, toString: { type: 'string' } } };
    const compare = (live: string, shadow: string) =>
      compareAnswers({ live: text(live), shadow: text(shadow), jsonSchema: odd, validator: () => true });
    expect(compare('{}', '{}')).toMatchObject({ agree: true, fields: { compared: 2, equal: 2 } });
    expect(compare('{}', '{"constructor":"x"}')).toMatchObject({
      agree: false,
      fields: { differing: ['constructor'] },
    });
  });

  it('takes a plain check function as well, and counts a throwing check as a failure', () => {
    const always = (ok: boolean) => () => ok;
    const live = text('{"name":"Ada","total":3}');
    expect(compareAnswers({ live, shadow: live, jsonSchema: schema, validator: always(true) }).agree).toBe(true);
    expect(compareAnswers({ live, shadow: live, jsonSchema: schema, validator: always(false) })).toMatchObject({
      agree: false,
      shadowSchemaValid: false,
    });
    const throwing = schemaCheckOf(() => {
      throw new Error('schema does not compile');
    });
    expect(throwing({}, {})).toBe(false);
  });
});

describe('compareAnswers: tool calls', () => {
  const cases: {
    name: string;
    live: ComparableAnswer;
    shadow: ComparableAnswer;
    agree: boolean;
    differing: string[];
  }[] = [
    {
      name: 'equal calls agree',
      live: calls(['get_weather', '{"city":"Paris"}'], ['get_time', '{}']),
      shadow: calls(['get_weather', '{"city":"Paris"}'], ['get_time', '{}']),
      agree: true,
      differing: [],
    },
    {
      name: 'a different function disagrees',
      live: calls(['get_weather', '{"city":"Paris"}']),
      shadow: calls(['get_time', '{"city":"Paris"}']),
      agree: false,
      differing: ['calls[0]'],
    },
    {
      name: 'different arguments disagree',
      live: calls(['get_weather', '{"city":"Paris"}']),
      shadow: calls(['get_weather', '{"city":"Lyon"}']),
      agree: false,
      differing: ['calls[0]'],
    },
    {
      name: 'the same calls in another order disagree',
      live: calls(['get_weather', '{"city":"Paris"}'], ['get_time', '{}']),
      shadow: calls(['get_time', '{}'], ['get_weather', '{"city":"Paris"}']),
      agree: false,
      differing: ['calls[0]', 'calls[1]'],
    },
    {
      name: 'one call more disagrees',
      live: calls(['get_weather', '{"city":"Paris"}']),
      shadow: calls(['get_weather', '{"city":"Paris"}'], ['get_time', '{}']),
      agree: false,
      differing: ['calls[1]'],
    },
    {
      name: 'argument key order, spacing and number formatting are irrelevant',
      live: calls(['get_weather', '{"city":"Paris","days":2}']),
      shadow: calls(['get_weather', '{ "days": 2.0, "city": "Paris" }']),
      agree: true,
      differing: [],
    },
    {
      name: 'empty arguments equal {}',
      live: calls(['get_time', '']),
      shadow: calls(['get_time', '{}']),
      agree: true,
      differing: [],
    },
    {
      name: 'unparsable arguments are compared as strings: equal',
      live: calls(['get_weather', '{city: Paris']),
      shadow: calls(['get_weather', '{city: Paris']),
      agree: true,
      differing: [],
    },
    {
      name: 'unparsable arguments are compared as strings: different',
      live: calls(['get_weather', '{"city":"Paris"}']),
      shadow: calls(['get_weather', '{city: Paris']),
      agree: false,
      differing: ['calls[0]'],
    },
  ];
  it.each(cases)('$name', ({ live, shadow, agree, differing }) => {
    const result = compareAnswers({ live, shadow, validator });
    expect(result).toMatchObject({ agree, kind: 'tool_calls', fields: { differing } });
    expect(result.reason).toBe(agree ? undefined : 'tool_calls_differ');
    expect(result.shadowSchemaValid).toBeUndefined();
  });

  it('takes tool calls over the JSON schema when both answers call tools', () => {
    const live = calls(['get_time', '{}']);
    expect(compareAnswers({ live, shadow: live, jsonSchema: schema, validator })).toMatchObject({
      agree: true,
      kind: 'tool_calls',
    });
  });

  it('with the offered tools, checks the shadow calls against their parameters', () => {
    const live = calls(['get_weather', '{"city":"Paris"}']);
    expect(compareAnswers({ live, shadow: live, tools, validator })).toMatchObject({
      agree: true,
      shadowSchemaValid: true,
    });
    const offSchema = calls(['get_weather', '{"town":"Paris"}']);
    expect(compareAnswers({ live, shadow: offSchema, tools, validator })).toMatchObject({
      agree: false,
      reason: 'shadow_off_schema',
      shadowSchemaValid: false,
    });
    const notOffered = calls(['get_news', '{}']);
    expect(compareAnswers({ live, shadow: notOffered, tools, validator })).toMatchObject({
      agree: false,
      shadowSchemaValid: false,
    });
    const notJson = calls(['get_weather', '{city']);
    expect(compareAnswers({ live, shadow: notJson, tools, validator }).shadowSchemaValid).toBe(false);
  });
});

describe('compareAnswers: tool calls against text', () => {
  it.each([
    { name: 'live calls a tool, shadow answers text', live: calls(['get_time', '{}']), shadow: text('It is noon.') },
    { name: 'live answers text, shadow calls a tool', live: text('It is noon.'), shadow: calls(['get_time', '{}']) },
  ])('$name: disagree', ({ live, shadow }) => {
    expect(compareAnswers({ live, shadow, validator })).toEqual({
      agree: false,
      kind: 'tool_calls',
      reason: 'tool_calls_vs_text',
    });
    expect(compareAnswers({ live, shadow, validator, jsonSchema: schema }).reason).toBe('tool_calls_vs_text');
  });
});

describe('compareAnswers: text', () => {
  const cases: { name: string; live: string; shadow: string; agree: boolean; exact: boolean; similarity: number }[] = [
    { name: 'exact', live: 'The total is 42.', shadow: 'The total is 42.', agree: true, exact: true, similarity: 1 },
    {
      name: 'case, punctuation, spacing and full-width forms normalised away',
      live: 'The total is 42.',
      shadow: '  the TOTAL is ４２!\n',
      agree: true,
      exact: false,
      similarity: 1,
    },
    {
      name: 'apostrophes dropped',
      live: "I don't know",
      shadow: 'I dont know',
      agree: true,
      exact: false,
      similarity: 1,
    },
    {
      name: 'one word in ten changed: at the threshold',
      live: 'one two three four five six seven eight nine ten',
      shadow: 'one two three four five six seven eight nine eleven',
      agree: true,
      exact: false,
      similarity: 0.9,
    },
    {
      name: 'one word in five changed: under the threshold',
      live: 'one two three four five',
      shadow: 'one two three four six',
      agree: false,
      exact: false,
      similarity: 0.8,
    },
    {
      name: 'word order matters',
      live: 'the dog bit the man',
      shadow: 'the man bit the dog',
      agree: false,
      exact: false,
      similarity: 0.6,
    },
    {
      name: 'different',
      live: 'Paris is the capital of France',
      shadow: 'I cannot answer that',
      agree: false,
      exact: false,
      similarity: 0,
    },
    { name: 'both empty', live: '', shadow: '', agree: true, exact: true, similarity: 1 },
    { name: 'only punctuation', live: '...', shadow: '!', agree: true, exact: false, similarity: 1 },
    { name: 'one empty', live: 'yes', shadow: '', agree: false, exact: false, similarity: 0 },
  ];
  it.each(cases)('$name', ({ live, shadow, agree, exact, similarity }) => {
    const result = compareAnswers({ live: text(live), shadow: text(shadow), validator });
    expect(result).toMatchObject({ agree, kind: 'text', exact });
    expect(result.similarity).toBeCloseTo(similarity, 10);
    expect(result.reason).toBe(agree ? undefined : 'text_differs');
    expect(result.fields).toBeUndefined();
    expect(result.shadowSchemaValid).toBeUndefined();
  });

  it('takes the threshold as a parameter', () => {
    const live = text('one two three four five');
    const shadow = text('one two three four six');
    expect(compareAnswers({ live, shadow, validator, similarityThreshold: 0.8 }).agree).toBe(true);
    expect(compareAnswers({ live, shadow, validator, similarityThreshold: 0.81 }).agree).toBe(false);
    expect(compareAnswers({ live, shadow: live, validator, similarityThreshold: 1 }).agree).toBe(true);
    expect(() => compareAnswers({ live, shadow, validator, similarityThreshold: 1.5 })).toThrow(RangeError);
    expect(() => compareAnswers({ live, shadow, validator, similarityThreshold: Number.NaN })).toThrow(RangeError);
  });

  it('normalises words', () => {
    expect(normaliseWords('  Hello,\tWORLD — it’s ﬁne…  ')).toEqual(['hello', 'world', 'its', 'fine']);
  });

  it('stays fast and bounded on long texts', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i % 97}`);
    const other = [...words].reverse();
    const started = performance.now();
    const similarity = textSimilarity(words.join(' '), other.join(' '));
    expect(similarity).toBeGreaterThanOrEqual(0);
    expect(similarity).toBeLessThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(2000);
    // A long text with one word changed in the middle: the common prefix and suffix are cut.
    const changed = [...words];
    changed[2500] = 'different';
    expect(textSimilarity(words.join(' '), changed.join(' '))).toBeCloseTo(1 - 1 / 5000, 10);
  });
});

describe('compareAnswers: CallResult', () => {
  it('takes CallResults as they come back from the workers', () => {
    const result = (output: string): CallResult => ({
      output,
      finishReason: 'stop',
      model: 'm',
      replica: 'r',
      usage: { promptTokens: 1, completionTokens: 1 },
      timings: { queueMs: 0, serviceMs: 1, timeToFirstTokenMs: 1 },
    });
    expect(compareAnswers({ live: result('Yes.'), shadow: result('yes'), validator })).toMatchObject({
      agree: true,
      kind: 'text',
    });
  });
});
