import { describe, expect, it } from 'vitest';
import { openAiCallOf } from './openai-request.js';
import { SchemaValidators } from './schema-validator.js';

describe('openAiCallOf', () => {
  it('maps model to task, text parts to content and json_schema to a schema', () => {
    const call = openAiCallOf(
      {
        model: 'extract-invoice',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
        max_tokens: 10,
        stop: 'END',
        stream: true,
        stream_options: { include_usage: true },
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        user: 'session-1',
      },
      { idempotencyKey: 'k1', priority: '-2' },
    );
    expect(call).toEqual({
      request: {
        task: 'extract-invoice',
        messages: [{ role: 'user', content: 'ab' }],
        params: { maxTokens: 10, stop: ['END'] },
        jsonSchema: '{"type":"object"}',
        idempotencyKey: 'k1',
        sessionKey: 'session-1',
        priority: -2,
      },
      stream: true,
      includeUsage: true,
    });
  });

  it.each<[string, unknown, object, string]>([
    ['a body that is not an object', [1], {}, 'body'],
    ['no model', { messages: [] }, {}, 'model'],
    ['n = 2', { model: 't', n: 2 }, {}, 'n'],
    ['max_tokens as text', { model: 't', max_tokens: '5' }, {}, 'max_tokens'],
    [
      'an image part',
      { model: 't', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] },
      {},
      'messages[0].content[0]',
    ],
    ['a stop number', { model: 't', stop: 5 }, {}, 'stop'],
    ['an unknown response_format', { model: 't', response_format: { type: 'xml' } }, {}, 'response_format.type'],
    [
      'a json_schema without schema',
      { model: 't', response_format: { type: 'json_schema' } },
      {},
      'response_format.json_schema.schema',
    ],
    ['a priority header that is not a number', { model: 't' }, { priority: 'high' }, 'X-Slm-Priority header'],
  ])('rejects %s naming the parameter', (_, body, headers, field) => {
    expect(() => openAiCallOf(body, headers)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field }));
  });
});

describe('nesting', () => {
  const nested = (levels: number): object => {
    let schema: object = { type: 'string' };
    for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { a: schema } };
    return schema;
  };
  const body = (schema: object) => ({
    model: 't',
    messages: [{ role: 'user', content: 'x' }],
    response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
  });

  it('refuses a body nested thousands of levels deep by its field, instead of overflowing the stack', () => {
    expect(() => openAiCallOf(body(nested(3000)), {})).toThrow(/response_format: nests deeper than 100 levels/);
  });

  it('takes a schema nested as deep as real ones are', () => {
    expect(() => openAiCallOf(body(nested(40)), {})).not.toThrow();
  });
});

describe('SchemaValidators', () => {
  it('refuses to compile a schema nested past the limit (the gRPC door sends schemas as text)', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 3000; i++) schema = { type: 'object', properties: { a: schema } };
    expect(() => new SchemaValidators().validatorFor(schema)).toThrow(/nests deeper than 100 levels/);
  });
});
