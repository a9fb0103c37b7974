import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { MAX_MODEL_LEN, parseChatRequest } from './chat-request.js';

const MODEL = 'sim-model';
const valid = { model: MODEL, messages: [{ role: 'user', content: 'Hello there!' }] };

/** The status and param of the ApiError the body is refused with. */
function refusal(body: unknown): { status: number; param: string | null } {
  try {
    parseChatRequest(body, MODEL);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, param: error.param };
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('parseChatRequest', () => {
  it('reads a minimal request with defaults', () => {
    expect(parseChatRequest(valid, MODEL)).toEqual({
      model: MODEL,
      stream: false,
      includeUsage: false,
      maxTokens: undefined,
      responseFormat: { type: 'text' },
      promptTokens: 3, // 12 characters
      answerKey: JSON.stringify(valid),
    });
  });

  it('counts prompt tokens as a quarter of the characters of every message, parts included', () => {
    const request = parseChatRequest(
      {
        model: MODEL,
        messages: [
          { role: 'system', content: 'abcd' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'efghi' },
              { type: 'image_url', image_url: { url: 'x' } },
            ],
          },
          { role: 'assistant', content: null, tool_calls: [] },
        ],
      },
      MODEL,
    );
    expect(request.promptTokens).toBe(3); // ceil(9 / 4)
  });

  it('keeps streaming options out of the answer key, so streamed and plain answers match', () => {
    const plain = parseChatRequest({ ...valid, max_tokens: 5 }, MODEL);
    const streamed = parseChatRequest(
      { ...valid, max_tokens: 5, stream: true, stream_options: { include_usage: true } },
      MODEL,
    );
    expect(streamed).toMatchObject({ stream: true, includeUsage: true });
    expect(streamed.answerKey).toBe(plain.answerKey);
    expect(parseChatRequest({ ...valid, max_tokens: 6 }, MODEL).answerKey).not.toBe(plain.answerKey);
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    expect(parseChatRequest({ ...valid, max_tokens: 9, max_completion_tokens: 4 }, MODEL).maxTokens).toBe(4);
    expect(parseChatRequest({ ...valid, max_tokens: 9, max_completion_tokens: null }, MODEL).maxTokens).toBe(9);
  });

  it('reads the three response formats', () => {
    const schema = { type: 'object' };
    expect(parseChatRequest({ ...valid, response_format: { type: 'json_object' } }, MODEL).responseFormat).toEqual({
      type: 'json_object',
    });
    expect(
      parseChatRequest(
        { ...valid, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } },
        MODEL,
      ).responseFormat,
    ).toEqual({ type: 'json_schema', name: 'x', schema });
  });

  it.each([
    ['a body that is not an object', [valid], 400, null],
    ['a missing model', { messages: valid.messages }, 400, 'model'],
    ['another model', { ...valid, model: 'gpt-4o' }, 404, 'model'],
    ['missing messages', { model: MODEL }, 400, 'messages'],
    ['empty messages', { model: MODEL, messages: [] }, 400, 'messages'],
    ['a message that is not an object', { model: MODEL, messages: ['hi'] }, 400, 'messages[0]'],
    ['an unknown role', { model: MODEL, messages: [{ role: 'robot', content: 'x' }] }, 400, 'messages[0].role'],
    ['a user message without content', { model: MODEL, messages: [{ role: 'user' }] }, 400, 'messages[0].content'],
    ['a bad content part', { model: MODEL, messages: [{ role: 'user', content: [7] }] }, 400, 'messages[0].content[0]'],
    ['max_tokens of 0', { ...valid, max_tokens: 0 }, 400, 'max_tokens'],
    ['a fractional max_tokens', { ...valid, max_tokens: 1.5 }, 400, 'max_tokens'],
    ['max_completion_tokens as text', { ...valid, max_completion_tokens: '5' }, 400, 'max_completion_tokens'],
    ['max_tokens past the context', { ...valid, max_tokens: MAX_MODEL_LEN }, 400, 'max_tokens'],
    ['n of 2', { ...valid, n: 2 }, 400, 'n'],
    ['stream as text', { ...valid, stream: 'yes' }, 400, 'stream'],
    ['stream_options without stream', { ...valid, stream_options: { include_usage: true } }, 400, 'stream_options'],
    ['an unknown response format', { ...valid, response_format: { type: 'xml' } }, 400, 'response_format.type'],
    [
      'a json_schema without name',
      { ...valid, response_format: { type: 'json_schema', json_schema: {} } },
      400,
      'response_format.json_schema.name',
    ],
    [
      'a schema that is a list',
      { ...valid, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: [] } } },
      400,
      'response_format.json_schema.schema',
    ],
  ])('refuses %s', (_case, body, status, param) => {
    expect(refusal(body)).toEqual({ status, param });
  });

  it('answers an unknown model in the OpenAI error shape, code model_not_found', () => {
    try {
      parseChatRequest({ ...valid, model: 'gpt-4o' }, MODEL);
      expect.unreachable();
    } catch (error) {
      expect((error as ApiError).body).toEqual({
        error: {
          message: 'The model `gpt-4o` does not exist.',
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      });
    }
  });
});
