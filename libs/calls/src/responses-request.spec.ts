import { describe, expect, it } from 'vitest';
import { RESPONSES_FIELD_NAMES, responsesCallOf } from './responses-request.js';
import { SchemaValidators } from './schema-validator.js';
import { validateCall } from './validate-call.js';

const weather = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('responsesCallOf', () => {
  it('maps model to task, instructions to a system message and a string input to a user message', () => {
    const call = responsesCallOf(
      {
        model: 'summarize',
        instructions: 'Be brief.',
        input: 'Summarize: cats sleep a lot.',
        max_output_tokens: 20,
        temperature: 0.5,
        top_p: 0.9,
        user: 'session-1',
        metadata: { team: 'a' },
        store: false,
        truncation: 'disabled',
        reasoning: null,
        safety_identifier: 'u-1',
      },
      { idempotencyKey: 'k1', priority: '7' },
    );
    expect(call).toEqual({
      request: {
        task: 'summarize',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Summarize: cats sleep a lot.' },
        ],
        params: { maxTokens: 20, temperature: 0.5, topP: 0.9 },
        idempotencyKey: 'k1',
        sessionKey: 'session-1',
        priority: 7,
      },
      stream: false,
      settings: {
        instructions: 'Be brief.',
        metadata: { team: 'a' },
        temperature: 0.5,
        top_p: 0.9,
        max_output_tokens: 20,
        top_logprobs: 0,
        text: { format: { type: 'text' } },
        tools: [],
        tool_choice: 'auto',
        parallel_tool_calls: true,
        user: 'session-1',
        safety_identifier: 'u-1',
      },
    });
  });

  it('turns function_call items into tool_calls of the assistant turn before them, and outputs into tool messages', () => {
    const { request } = responsesCallOf(
      {
        model: 'agent',
        input: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          // An earlier response's output sent back as it came: a message, then its calls.
          {
            type: 'message',
            id: 'msg_1',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Checking.', annotations: [], logprobs: [] }],
          },
          { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'call_2', output: 'rain' },
          { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'sun' }] },
          // Calls with no text before them form an assistant message of their own.
          { type: 'function_call', call_id: 'call_3', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { type: 'function_call_output', call_id: 'call_3', output: 'snow' },
          {
            type: 'message',
            role: 'user',
            content: [
              { type: 'input_text', text: 'And ' },
              { type: 'input_text', text: 'so?' },
            ],
          },
        ],
        tools: [weather],
      },
      {},
    );
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', content: 'rain', toolCallId: 'call_2' },
      { role: 'tool', content: 'sun', toolCallId: 'call_1' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'call_3', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      },
      { role: 'tool', content: 'snow', toolCallId: 'call_3' },
      { role: 'user', content: 'And so?' },
    ]);
    // validateCall accepts the conversation it makes.
    const valid = validateCall(request, RESPONSES_FIELD_NAMES, new SchemaValidators());
    expect(valid.messages[1]?.tool_calls?.map((c) => c.id)).toEqual(['call_1', 'call_2']);
  });

  it('maps flat function tools (strict by default, as the Responses API has it), tool_choice and parallel_tool_calls', () => {
    const { request, settings } = responsesCallOf(
      {
        model: 'agent',
        input: 'Weather in Paris?',
        tools: [weather, { type: 'function', name: 'noop', parameters: null, strict: false }],
        tool_choice: { type: 'function', name: 'get_weather' },
        parallel_tool_calls: false,
      },
      {},
    );
    expect(request).toMatchObject({
      tools: [
        { name: 'get_weather', description: 'The weather in a city', parameters: weather.parameters, strict: true },
        { name: 'noop', strict: false },
      ],
      toolChoice: { function: 'get_weather' },
      parallelToolCalls: false,
    });
    expect(settings).toMatchObject({
      tools: [
        { ...weather, strict: true },
        { type: 'function', name: 'noop', description: null, parameters: null, strict: false },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
    });
    const valid = validateCall(request, RESPONSES_FIELD_NAMES, new SchemaValidators());
    expect(valid.toolChoice).toEqual({ type: 'function', function: { name: 'get_weather' } });
  });

  it('leaves parallel_tool_calls out without tools, where it means nothing', () => {
    const { request, settings } = responsesCallOf({ model: 't', input: 'x', parallel_tool_calls: true }, {});
    expect(request.parallelToolCalls).toBeUndefined();
    expect(settings.parallel_tool_calls).toBe(true);
  });

  it.each([
    [{ type: 'json_schema', name: 'invoice', schema: { type: 'object' }, strict: true }, '{"type":"object"}'],
    [{ type: 'json_object' }, '{"type":"object"}'],
    [{ type: 'text' }, undefined],
  ])('maps text.format %j to a JSON schema', (format, jsonSchema) => {
    const { request, settings } = responsesCallOf({ model: 't', input: 'x', text: { format } }, {});
    expect(request.jsonSchema).toBe(jsonSchema);
    expect(settings.text).toEqual({ format });
  });

  it('asks for logprobs when include names them', () => {
    const { request, settings } = responsesCallOf(
      {
        model: 't',
        input: 'x',
        include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
        top_logprobs: 3,
      },
      {},
    );
    expect(request.params).toEqual({ logprobs: true, topLogprobs: 3 });
    expect(settings.top_logprobs).toBe(3);
  });

  it('accepts what changes nothing: store false, background false, empty reasoning, hints', () => {
    const { request } = responsesCallOf(
      {
        model: 't',
        input: 'x',
        store: false,
        background: false,
        reasoning: { effort: null, summary: null },
        service_tier: 'auto',
        prompt_cache_key: 'k',
        prompt_cache_retention: '24h',
        stream_options: { include_obfuscation: false },
        max_tool_calls: 3,
        previous_response_id: null,
        include: ['reasoning.encrypted_content'],
      },
      {},
    );
    expect(request.params).toEqual({});
  });

  it.each<[string, unknown, object, string, RegExp?]>([
    ['a body that is not an object', [1], {}, 'body'],
    ['no model', { input: 'x' }, {}, 'model'],
    ['no input', { model: 't' }, {}, 'input'],
    ['an empty input', { model: 't', input: [] }, {}, 'input'],
    [
      'previous_response_id',
      { model: 't', input: 'x', previous_response_id: 'resp_1' },
      {},
      'previous_response_id',
      /stores no responses/,
    ],
    ['conversation', { model: 't', input: 'x', conversation: 'conv_1' }, {}, 'conversation', /stores no responses/],
    ['store: true', { model: 't', input: 'x', store: true }, {}, 'store', /stores no responses/],
    ['background: true', { model: 't', input: 'x', background: true }, {}, 'background'],
    ['truncation auto', { model: 't', input: 'x', truncation: 'auto' }, {}, 'truncation'],
    ['a reasoning effort', { model: 't', input: 'x', reasoning: { effort: 'high' } }, {}, 'reasoning'],
    ['a stored prompt', { model: 't', input: 'x', prompt: { id: 'pmpt_1' } }, {}, 'prompt'],
    ['an unknown field', { model: 't', input: 'x', temperatures: 1 }, {}, 'temperatures'],
    ['a chat parameter', { model: 't', input: 'x', messages: [] }, {}, 'messages'],
    ['a built-in tool', { model: 't', input: 'x', tools: [{ type: 'web_search' }] }, {}, 'tools[0].type'],
    [
      'a tool name that is not a string',
      { model: 't', input: 'x', tools: [{ type: 'function', name: 1 }] },
      {},
      'tools[0].name',
    ],
    ['a hosted tool_choice', { model: 't', input: 'x', tool_choice: { type: 'file_search' } }, {}, 'tool_choice'],
    ['a role it does not know', { model: 't', input: [{ role: 'tool', content: 'x' }] }, {}, 'input[0].role'],
    [
      'an image part',
      { model: 't', input: [{ role: 'user', content: [{ type: 'input_image' }] }] },
      {},
      'input[0].content[0].type',
    ],
    [
      'a reasoning item',
      { model: 't', input: [{ type: 'reasoning', summary: [] }] },
      {},
      'input[0].type',
      /not reasoning/,
    ],
    [
      'an item reference',
      { model: 't', input: [{ type: 'item_reference', id: 'msg_1' }] },
      {},
      'input[0].type',
      /stores no items/,
    ],
    ['a message without content', { model: 't', input: [{ type: 'message', role: 'user' }] }, {}, 'input[0].content'],
    [
      'an output for no call',
      {
        model: 't',
        input: [
          { role: 'user', content: 'x' },
          { type: 'function_call_output', call_id: 'c9', output: 'y' },
        ],
      },
      {},
      'input[1].call_id',
    ],
    [
      'a call left unanswered before a message',
      {
        model: 't',
        input: [
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { role: 'user', content: 'x' },
        ],
      },
      {},
      'input[1]',
      /input\[0\] \("c1"\) has no function_call_output/,
    ],
    [
      'a call left unanswered at the end',
      { model: 't', input: [{ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }] },
      {},
      'input',
    ],
    [
      'arguments that are not JSON',
      { model: 't', input: [{ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{' }] },
      {},
      'input[0].arguments',
    ],
    [
      'a call without call_id',
      { model: 't', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
      {},
      'input[0].call_id',
    ],
    [
      'a bad function name',
      { model: 't', input: [{ type: 'function_call', call_id: 'c', name: 'a b', arguments: '{}' }] },
      {},
      'input[0].name',
    ],
    [
      'a call_id used twice',
      {
        model: 't',
        input: [
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        ],
      },
      {},
      'input[1].call_id',
    ],
    ['text.verbosity', { model: 't', input: 'x', text: { verbosity: 'low' } }, {}, 'text.verbosity'],
    ['an unknown text.format', { model: 't', input: 'x', text: { format: { type: 'xml' } } }, {}, 'text.format.type'],
    [
      'a json_schema without schema',
      { model: 't', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } },
      {},
      'text.format.schema',
    ],
    ['an unknown include', { model: 't', input: 'x', include: ['file_search_call.results', 'x.y'] }, {}, 'include[1]'],
    ['top_logprobs without include', { model: 't', input: 'x', top_logprobs: 2 }, {}, 'top_logprobs'],
    [
      'a priority header that is not a number',
      { model: 't', input: 'x' },
      { priority: 'high' },
      'X-Slm-Priority header',
    ],
  ])('refuses %s naming the parameter', (_, body, headers, field, message) => {
    expect(() => responsesCallOf(body, headers)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        field,
        ...(message ? { message: expect.stringMatching(message) } : {}),
      }),
    );
  });

  it.each<[string, object, string]>([
    ['max_output_tokens out of range', { max_output_tokens: 0 }, 'max_output_tokens'],
    ['an invalid tool name', { tools: [{ type: 'function', name: 'a b' }] }, 'tools[0].name'],
    [
      'an invalid tool schema',
      { tools: [{ type: 'function', name: 'f', parameters: { type: 'nope' } }] },
      'tools[0].parameters',
    ],
    [
      'tool_choice naming no tool',
      { tools: [weather], tool_choice: { type: 'function', name: 'other' } },
      'tool_choice.name',
    ],
    ['an unknown tool_choice mode', { tools: [weather], tool_choice: 'any' }, 'tool_choice'],
    [
      'a schema that is no schema',
      { text: { format: { type: 'json_schema', name: 'n', schema: { type: 7 } } } },
      'text.format.schema',
    ],
  ])('has validateCall name Responses parameters: %s', (_, fields, field) => {
    const { request } = responsesCallOf({ model: 't', input: 'x', ...fields }, {});
    expect(() => validateCall(request, RESPONSES_FIELD_NAMES, new SchemaValidators())).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', field }),
    );
  });
});
