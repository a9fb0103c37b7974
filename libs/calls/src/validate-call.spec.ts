import { describe, expect, it } from 'vitest';
import { CallFailure } from './call-failure.js';
import { GRPC_FIELD_NAMES, OPENAI_FIELD_NAMES, type CallRequest } from './call-request.js';
import { SchemaValidators } from './schema-validator.js';
import { checkRequestSize, validateCall } from './validate-call.js';
import { checkOutput } from './check-output.js';

const validators = new SchemaValidators();
const good: CallRequest = { task: 'extract-invoice', messages: [{ role: 'user', content: 'hi' }], params: {} };
const failureOf = (request: CallRequest, names = GRPC_FIELD_NAMES): CallFailure => {
  try {
    validateCall(request, names, validators);
  } catch (error) {
    if (error instanceof CallFailure) return error;
    throw error;
  }
  throw new Error('expected a CallFailure');
};

describe('validateCall', () => {
  it('accepts a good call and keeps only what was given', () => {
    expect(validateCall({ ...good, params: { maxTokens: 5, stop: [] } }, GRPC_FIELD_NAMES, validators)).toEqual({
      task: 'extract-invoice',
      messages: [{ role: 'user', content: 'hi' }],
      params: { max_tokens: 5 },
    });
  });

  it('turns a prompt into one user message and parses the schema', () => {
    const call = validateCall(
      { ...good, messages: [], prompt: 'total?', jsonSchema: '{"type":"object"}', priority: -3 },
      GRPC_FIELD_NAMES,
      validators,
    );
    expect(call.messages).toEqual([{ role: 'user', content: 'total?' }]);
    expect(call.jsonSchema).toEqual({ type: 'object' });
    expect(call.priority).toBe(-3);
  });

  it.each<[string, Partial<CallRequest>, string, RegExp]>([
    ['missing task', { task: '' }, 'task', /is required/],
    ['task with capitals', { task: 'Extract' }, 'task', /not a task name/],
    ['task with a slash', { task: 'ns/extract' }, 'task', /not a task name/],
    ['no messages', { messages: [] }, 'messages', /is empty/],
    ['only empty messages', { messages: [{ role: 'user', content: '  ' }] }, 'messages', /every message is empty/],
    ['messages and prompt', { prompt: 'x' }, 'prompt', /not both/],
    ['unknown role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /not one of/],
    ['zero max tokens', { params: { maxTokens: 0 } }, 'parameters.max_tokens', /from 1 to 32768/],
    ['negative max tokens', { params: { maxTokens: -5 } }, 'parameters.max_tokens', /got -5/],
    ['huge max tokens', { params: { maxTokens: 1e6 } }, 'parameters.max_tokens', /from 1 to 32768/],
    ['temperature above 2', { params: { temperature: 2.5 } }, 'parameters.temperature', /from 0 to 2/],
    ['negative temperature', { params: { temperature: -1 } }, 'parameters.temperature', /from 0 to 2/],
    ['top_p zero', { params: { topP: 0 } }, 'parameters.top_p', /greater than 0/],
    ['five stop sequences', { params: { stop: ['a', 'b', 'c', 'd', 'e'] } }, 'parameters.stop', /at most 4/],
    ['empty stop sequence', { params: { stop: [''] } }, 'parameters.stop[0]', /1 to 256/],
    ['schema not JSON', { jsonSchema: '{type:' }, 'json_schema', /not valid JSON/],
    ['schema an array', { jsonSchema: '[1]' }, 'json_schema', /JSON object/],
    ['schema invalid', { jsonSchema: '{"type":"banana"}' }, 'json_schema', /not a valid JSON Schema/],
    ['idempotency key with a colon', { idempotencyKey: 'a:b' }, 'idempotency_key', /letters, digits/],
    ['idempotency key too long', { idempotencyKey: 'k'.repeat(129) }, 'idempotency_key', /1 to 128/],
    ['session key too long', { sessionKey: 's'.repeat(257) }, 'session_key', /at most 256/],
    ['priority out of range', { priority: 1001 }, 'priority', /from -1000 to 1000/],
  ])('rejects %s naming the field', (_, change, field, message) => {
    const failure = failureOf({ ...good, ...change });
    expect(failure.code).toBe('INVALID_ARGUMENT');
    expect(failure.field).toBe(field);
    expect(failure.message).toMatch(message);
    expect(failure.message.startsWith(`${field}: `)).toBe(true);
  });

  it('names fields as the OpenAI API does on the HTTP front door', () => {
    expect(failureOf({ ...good, params: { maxTokens: -1 } }, OPENAI_FIELD_NAMES).field).toBe('max_tokens');
    expect(failureOf({ ...good, task: '' }, OPENAI_FIELD_NAMES).field).toBe('model');
  });
});

describe('checkRequestSize', () => {
  it('refuses a request over the limit with RESOURCE_EXHAUSTED and the flag to raise', () => {
    expect(() => checkRequestSize(10, 10)).not.toThrow();
    expect(() => checkRequestSize(11, 10)).toThrow(/at most 10 \(--max-request-bytes\)/);
  });
});

describe('checkOutput', () => {
  const schema = { type: 'object', required: ['total'], properties: { total: { type: 'number' } } };

  it('returns the parsed answer when it satisfies the schema', () => {
    expect(checkOutput('{"total": 12.5}', schema, validators, 'ns/a')).toEqual({ total: 12.5 });
  });

  it.each([
    ['not JSON', 'the total is 12', /is not JSON/],
    ['missing a property', '{"sum": 1}', /must have required property 'total'/],
  ])('fails an answer that is %s with OUTPUT_SCHEMA_MISMATCH', (_, output, message) => {
    const attempt = () => checkOutput(output, schema, validators, 'ns/a');
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION', reason: 'OUTPUT_SCHEMA_MISMATCH' }));
  });
});
