import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { MAX_MODEL_LEN, parseChatRequest } from './chat-request.js';

const MODEL = 'sim-model';
const valid = { model: MODEL, messages: [{ role: 'user', content: 'Hello there!' }] };
const tool = (name: string, parameters?: unknown) => ({ type: 'function', function: { name, parameters } });
const call = (id: string) => ({ id, type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } });
/** A user message, then an assistant message calling a tool with id `id`. */
const turn = (id: string) => [
  { role: 'user', content: 'Look it up' },
  { role: 'assistant', content: null, tool_calls: [call(id)] },
];

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
      tools: [],
      toolChoice: 'none',
      parallelToolCalls: true,
      logprobs: false,
      topLogprobs: 0,
      lastRole: 'user',
      lastUserText: 'Hello there!',
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
    ['logprobs as text', { ...valid, logprobs: 'yes' }, 400, 'logprobs'],
    ['top_logprobs without logprobs', { ...valid, top_logprobs: 2 }, 400, 'top_logprobs'],
    ['top_logprobs of 21', { ...valid, logprobs: true, top_logprobs: 21 }, 400, 'top_logprobs'],
    ['a negative top_logprobs', { ...valid, logprobs: true, top_logprobs: -1 }, 400, 'top_logprobs'],
    ['tools that are not a list', { ...valid, tools: {} }, 400, 'tools'],
    ['a tool of another type', { ...valid, tools: [{ type: 'custom', custom: {} }] }, 400, 'tools[0].type'],
    ['a tool without function', { ...valid, tools: [{ type: 'function' }] }, 400, 'tools[0].function'],
    ['a tool without name', { ...valid, tools: [tool('')] }, 400, 'tools[0].function.name'],
    ['a tool name with a dot', { ...valid, tools: [tool('orders.lookup')] }, 400, 'tools[0].function.name'],
    ['two tools of one name', { ...valid, tools: [tool('a'), tool('b'), tool('a')] }, 400, 'tools[2].function.name'],
    [
      'a description that is not text',
      { ...valid, tools: [{ type: 'function', function: { name: 'a', description: 1 } }] },
      400,
      'tools[0].function.description',
    ],
    [
      'parameters that are not an object schema',
      { ...valid, tools: [tool('a', { type: 'string' })] },
      400,
      'tools[0].function.parameters',
    ],
    ['parameters that are a list', { ...valid, tools: [tool('a', [])] }, 400, 'tools[0].function.parameters'],
    [
      'strict as text',
      { ...valid, tools: [{ type: 'function', function: { name: 'a', strict: 'yes' } }] },
      400,
      'tools[0].function.strict',
    ],
    ['an unknown tool_choice', { ...valid, tools: [tool('a')], tool_choice: 'any' }, 400, 'tool_choice'],
    ['tool_choice required without tools', { ...valid, tool_choice: 'required' }, 400, 'tool_choice'],
    ['tool_choice auto with empty tools', { ...valid, tools: [], tool_choice: 'auto' }, 400, 'tool_choice'],
    [
      'a tool_choice of another type',
      { ...valid, tools: [tool('a')], tool_choice: { type: 'custom', custom: { name: 'a' } } },
      400,
      'tool_choice.type',
    ],
    [
      'a tool_choice naming no tool',
      { ...valid, tools: [tool('a')], tool_choice: { type: 'function', function: { name: 'b' } } },
      400,
      'tool_choice.function.name',
    ],
    [
      'a tool_choice without a name',
      { ...valid, tools: [tool('a')], tool_choice: { type: 'function', function: {} } },
      400,
      'tool_choice.function.name',
    ],
    ['parallel_tool_calls as text', { ...valid, parallel_tool_calls: 'no' }, 400, 'parallel_tool_calls'],
    [
      'assistant tool_calls that are not a list',
      { model: MODEL, messages: [{ role: 'assistant', content: null, tool_calls: {} }] },
      400,
      'messages[0].tool_calls',
    ],
    [
      'an assistant tool call without id',
      { model: MODEL, messages: [{ role: 'assistant', content: null, tool_calls: [{ ...call('x'), id: '' }] }] },
      400,
      'messages[0].tool_calls[0].id',
    ],
    [
      'an assistant tool call of another type',
      { model: MODEL, messages: [{ role: 'assistant', content: null, tool_calls: [{ ...call('x'), type: 'x' }] }] },
      400,
      'messages[0].tool_calls[0].type',
    ],
    [
      'assistant tool call arguments that are an object',
      {
        model: MODEL,
        messages: [
          { role: 'assistant', content: null, tool_calls: [{ ...call('x'), function: { name: 'a', arguments: {} } }] },
        ],
      },
      400,
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'a tool message without tool_call_id',
      { model: MODEL, messages: [...turn('call_1'), { role: 'tool', content: '{}' }] },
      400,
      'messages[2].tool_call_id',
    ],
    [
      'a tool message answering no earlier call',
      { model: MODEL, messages: [...turn('call_1'), { role: 'tool', tool_call_id: 'call_2', content: '{}' }] },
      400,
      'messages[2].tool_call_id',
    ],
    [
      'a tool result before its call',
      {
        model: MODEL,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_1', content: '{}' },
          ...turn('call_1'),
        ],
      },
      400,
      'messages[1].tool_call_id',
    ],
    [
      'a tool message without content',
      { model: MODEL, messages: [...turn('c'), { role: 'tool', tool_call_id: 'c' }] },
      400,
      'messages[2].content',
    ],
  ])('refuses %s', (_case, body, status, param) => {
    expect(refusal(body)).toEqual({ status, param });
  });

  it('reads tools, defaulting tool_choice to auto and parallel_tool_calls to true', () => {
    const parameters = { type: 'object', properties: { id: { type: 'string' } } };
    const request = parseChatRequest({ ...valid, tools: [tool('lookup', parameters), tool('now')] }, MODEL);
    expect(request).toMatchObject({
      tools: [
        { name: 'lookup', parameters, index: 0 },
        { name: 'now', parameters: { type: 'object' }, index: 1 }, // no parameters: an empty object
      ],
      toolChoice: 'auto',
      parallelToolCalls: true,
    });
  });

  it.each([
    ['none', 'none'],
    ['auto', 'auto'],
    ['required', 'required'],
    [{ type: 'function', function: { name: 'now' } }, { name: 'now' }],
  ])('reads tool_choice %j', (choice, expected) => {
    const body = { ...valid, tools: [tool('lookup'), tool('now')], tool_choice: choice, parallel_tool_calls: false };
    expect(parseChatRequest(body, MODEL)).toMatchObject({ toolChoice: expected, parallelToolCalls: false });
  });

  it('gives parameters without a type the type object, keeping the rest', () => {
    const parameters = { properties: { id: { type: 'integer' } }, required: ['id'] };
    expect(parseChatRequest({ ...valid, tools: [tool('a', parameters)] }, MODEL).tools[0]?.parameters).toEqual({
      ...parameters,
      type: 'object',
    });
  });

  it('accepts tool_choice none without tools, and a tool loop with developer, assistant and tool messages', () => {
    expect(parseChatRequest({ ...valid, tool_choice: 'none' }, MODEL).toolChoice).toBe('none');
    const request = parseChatRequest(
      {
        model: MODEL,
        messages: [
          { role: 'developer', content: 'Be brief.' },
          ...turn('call_1'),
          { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '{"status":"shipped"}' }] },
        ],
        tools: [tool('lookup')],
      },
      MODEL,
    );
    expect(request).toMatchObject({ lastRole: 'tool', lastUserText: 'Look it up' });
  });

  it('counts the tools and the earlier tool calls in the prompt tokens', () => {
    const tools = [tool('lookup', { type: 'object' })];
    const withTools = parseChatRequest({ ...valid, tools }, MODEL);
    expect(withTools.promptTokens).toBe(Math.ceil(('Hello there!'.length + JSON.stringify(tools).length) / 4));
    const loop = parseChatRequest({ model: MODEL, messages: turn('c') }, MODEL);
    expect(loop.promptTokens).toBe(Math.ceil(('Look it up'.length + 'lookup'.length + '{"id":1}'.length) / 4));
  });

  it('reads the last user message, content parts one per line', () => {
    const messages = [
      { role: 'user', content: 'first' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'lookup' },
          { type: 'image_url', image_url: { url: 'x' } },
          { type: 'text', text: 'order' },
        ],
      },
      { role: 'assistant', content: 'ok' },
    ];
    expect(parseChatRequest({ model: MODEL, messages }, MODEL)).toMatchObject({
      lastRole: 'assistant',
      lastUserText: 'lookup\norder',
    });
  });

  it('reads logprobs and top_logprobs, and keeps them out of the answer key like the streaming options', () => {
    const plain = parseChatRequest(valid, MODEL);
    const withLogprobs = parseChatRequest({ ...valid, logprobs: true, top_logprobs: 3 }, MODEL);
    expect(withLogprobs).toMatchObject({ logprobs: true, topLogprobs: 3 });
    expect(withLogprobs.answerKey).toBe(plain.answerKey);
    expect(parseChatRequest({ ...valid, logprobs: true }, MODEL).topLogprobs).toBe(0);
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

  it('takes the LoRA adapters served beside the model by name', () => {
    const served = [MODEL, 'sql', 'triage'];
    expect(parseChatRequest({ ...valid, model: 'sql' }, served).model).toBe('sql');
    expect(parseChatRequest(valid, served).model).toBe(MODEL);
    expect(() => parseChatRequest({ ...valid, model: 'billing' }, served)).toThrow(
      expect.objectContaining({ status: 404, code: 'model_not_found' }) as Error,
    );
  });
});
