import { describe, expect, it } from 'vitest';
import { CallFailure } from './call-failure.js';
import {
  GRPC_FIELD_NAMES,
  OPENAI_FIELD_NAMES,
  type CallMessage,
  type CallRequest,
  type CallTool,
  type CallToolCall,
  type ValidCall,
} from './call-request.js';
import { openAiCallOf } from './openai-request.js';
import { SchemaValidators } from './schema-validator.js';
import { validateCall } from './validate-call.js';

const validators = new SchemaValidators();

// ---- The gRPC door -------------------------------------------------------------------------
// An InvokeRequest as protobuf gives it (strings default to '', repeated fields to []), mapped
// to a CallRequest the way apps/router/src/grpc/grpc-mapping.ts's callRequestOf maps one.

interface GrpcMessage {
  role: string;
  content?: string;
  toolCalls?: CallToolCall[];
  toolCallId?: string;
  name?: string;
}

interface GrpcTool {
  name: string;
  description?: string;
  /** JSON text; '' means no arguments. */
  parameters?: string;
  strict?: boolean;
}

interface GrpcInvoke {
  task?: string;
  messages?: GrpcMessage[];
  prompt?: string;
  parameters?: CallRequest['params'];
  tools?: GrpcTool[];
  toolChoice?: { mode?: string; function?: string };
  parallelToolCalls?: boolean;
}

function grpcMessageOf(m: GrpcMessage): CallMessage {
  const content = m.content ?? '';
  const toolCalls = m.toolCalls && m.toolCalls.length > 0 ? m.toolCalls : undefined;
  return {
    role: m.role,
    content: toolCalls && content === '' ? null : content,
    ...(m.name ? { name: m.name } : {}),
    ...(toolCalls ? { toolCalls } : {}),
    ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
  };
}

function grpcToolOf(tool: GrpcTool): CallTool {
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    ...(tool.parameters ? { parameters: tool.parameters } : {}),
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
  };
}

function grpcRequestOf(invoke: GrpcInvoke): CallRequest {
  const tools = invoke.tools ?? [];
  const choice = invoke.toolChoice;
  return {
    task: invoke.task ?? 'pick-tool',
    messages: (invoke.messages ?? []).map(grpcMessageOf),
    ...(invoke.prompt ? { prompt: invoke.prompt } : {}),
    params: invoke.parameters ?? {},
    ...(tools.length > 0 ? { tools: tools.map(grpcToolOf) } : {}),
    ...(choice?.mode !== undefined ? { toolChoice: { mode: choice.mode } } : {}),
    ...(choice?.function !== undefined ? { toolChoice: { function: choice.function } } : {}),
    ...(invoke.parallelToolCalls === undefined ? {} : { parallelToolCalls: invoke.parallelToolCalls }),
  };
}

const validateGrpc = (invoke: GrpcInvoke): ValidCall =>
  validateCall(grpcRequestOf(invoke), GRPC_FIELD_NAMES, new SchemaValidators());

// ---- The OpenAI door -----------------------------------------------------------------------

const validateOpenAi = (body: unknown): ValidCall =>
  validateCall(openAiCallOf(body, {}).request, OPENAI_FIELD_NAMES, validators);

function failureOf(attempt: () => unknown): CallFailure {
  try {
    attempt();
  } catch (error) {
    if (error instanceof CallFailure) return error;
    throw error;
  }
  throw new Error('expected a CallFailure, but the call was accepted');
}

function expectRefused(attempt: () => unknown, field: string, message: RegExp): void {
  const failure = failureOf(attempt);
  expect(failure.code).toBe('INVALID_ARGUMENT');
  expect(failure.reason).toBe('INVALID_ARGUMENT');
  expect(failure.field).toBe(field);
  expect(failure.message.startsWith(`${field}: `)).toBe(true);
  expect(failure.message).toMatch(message);
}

// ---- Shared fixtures -----------------------------------------------------------------------

const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

const GRPC_TOOLS: GrpcTool[] = [
  {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: JSON.stringify(WEATHER_PARAMETERS),
    strict: true,
  },
  { name: 'get_time' },
];

const OPENAI_TOOLS = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather in a city', parameters: WEATHER_PARAMETERS, strict: true },
  },
  { type: 'function', function: { name: 'get_time' } },
];

const ASK: GrpcMessage = { role: 'user', content: 'Weather in Paris?' };
const grpcCall = (id: string, name = 'get_weather', args = '{"city":"Paris"}'): CallToolCall => ({
  id,
  name,
  arguments: args,
});
const grpcCalling = (...toolCalls: CallToolCall[]): GrpcMessage => ({ role: 'assistant', content: '', toolCalls });
const grpcResult = (toolCallId: string, content = '{"temp":21}'): GrpcMessage => ({
  role: 'tool',
  content,
  toolCallId,
});

const aiCall = (id: string | undefined, name = 'get_weather', args = '{"city":"Paris"}') => ({
  ...(id === undefined ? {} : { id }),
  type: 'function',
  function: { name, arguments: args },
});
const aiCalling = (...tool_calls: unknown[]) => ({ role: 'assistant', content: null, tool_calls });
const aiResult = (tool_call_id: string, content = '{"temp":21}') => ({ role: 'tool', content, tool_call_id });
const aiAsk = { role: 'user', content: 'Weather in Paris?' };
const body = (fields: Record<string, unknown>) => ({ model: 'pick-tool', messages: [aiAsk], ...fields });
const withTools = (fields: Record<string, unknown> = {}) => body({ tools: OPENAI_TOOLS, ...fields });

const manyGrpcTools = (count: number): GrpcTool[] => Array.from({ length: count }, (_, i) => ({ name: `tool_${i}` }));
const manyOpenAiTools = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'function', function: { name: `tool_${i}` } }));

describe('validateCall on the gRPC door', () => {
  it.each<[string, GrpcInvoke, string, RegExp]>([
    ['a tool without a name', { messages: [ASK], tools: [{ name: '' }] }, 'tools[0].name', /is required/],
    [
      'a tool name with a space',
      { messages: [ASK], tools: [GRPC_TOOLS[0]!, { name: 'get time' }] },
      'tools[1].name',
      /"get time" is not a function name \(1 to 64 letters, digits, _ or -\)/,
    ],
    [
      'a tool name with a dot',
      { messages: [ASK], tools: [{ name: 'weather.get' }] },
      'tools[0].name',
      /not a function name/,
    ],
    [
      'a tool name of 65 characters',
      { messages: [ASK], tools: [{ name: 'a'.repeat(65) }] },
      'tools[0].name',
      /not a function name \(1 to 64/,
    ],
    [
      'two tools with the same name',
      { messages: [ASK], tools: [GRPC_TOOLS[0]!, GRPC_TOOLS[1]!, { name: 'get_weather' }] },
      'tools[2].name',
      /"get_weather" is given twice; names must be unique/,
    ],
    [
      'parameters that are a JSON array',
      { messages: [ASK], tools: [GRPC_TOOLS[1]!, { name: 'f', parameters: '[1]' }] },
      'tools[1].parameters',
      /must be a JSON Schema object/,
    ],
    [
      'parameters that are a JSON string',
      { messages: [ASK], tools: [{ name: 'f', parameters: '"object"' }] },
      'tools[0].parameters',
      /must be a JSON Schema object/,
    ],
    [
      'parameters that are not a valid JSON Schema',
      { messages: [ASK], tools: [{ name: 'f', parameters: '{"type":"banana"}' }] },
      'tools[0].parameters',
      /is not a valid JSON Schema/,
    ],
    [
      'parameters that are not JSON',
      { messages: [ASK], tools: [{ name: 'f', parameters: '{type: object}' }] },
      'tools[0].parameters',
      /is not valid JSON/,
    ],
    [
      'a description over 4096 characters',
      { messages: [ASK], tools: [{ name: 'f', description: 'd'.repeat(4097) }] },
      'tools[0].description',
      /longer than 4096/,
    ],
    ['129 tools', { messages: [ASK], tools: manyGrpcTools(129) }, 'tools', /has 129 tools; at most 128/],
    [
      'an unknown tool_choice mode',
      { messages: [ASK], tools: GRPC_TOOLS, toolChoice: { mode: 'any' } },
      'tool_choice',
      /"any" is not one of none, auto, required/,
    ],
    [
      'tool_choice naming a tool the call does not give',
      { messages: [ASK], tools: GRPC_TOOLS, toolChoice: { function: 'send_email' } },
      'tool_choice.function',
      /"send_email" is not one of the call's tools \(get_weather, get_time\)/,
    ],
    [
      'tool_choice naming a function without tools',
      { messages: [ASK], toolChoice: { function: 'get_weather' } },
      'tool_choice.function',
      /names a function, but the call gives no tools/,
    ],
    [
      'tool_choice required without tools',
      { messages: [ASK], toolChoice: { mode: 'required' } },
      'tool_choice',
      /is required, but the call gives no tools/,
    ],
    [
      'parallel_tool_calls without tools',
      { messages: [ASK], parallelToolCalls: false },
      'parallel_tool_calls',
      /is set, but the call gives no tools/,
    ],
    [
      'a tool message without tool_call_id',
      { messages: [ASK, grpcCalling(grpcCall('call_1')), { role: 'tool', content: '{}' }] },
      'messages[2].tool_call_id',
      /is required: name the tool call this result answers/,
    ],
    [
      'a tool message with an unknown tool_call_id',
      { messages: [ASK, grpcCalling(grpcCall('call_1')), grpcResult('call_9')] },
      'messages[2].tool_call_id',
      /"call_9" answers no earlier assistant tool call that is still unanswered/,
    ],
    [
      'a tool message before any tool call',
      { messages: [ASK, grpcResult('call_1')] },
      'messages[1].tool_call_id',
      /"call_1" answers no earlier assistant tool call/,
    ],
    [
      'two tool messages answering the same call',
      { messages: [ASK, grpcCalling(grpcCall('call_1')), grpcResult('call_1'), grpcResult('call_1')] },
      'messages[3].tool_call_id',
      /"call_1" answers no earlier assistant tool call that is still unanswered/,
    ],
    [
      'an assistant tool call with arguments that are not JSON',
      { messages: [ASK, grpcCalling(grpcCall('call_1', 'get_weather', '{city: Paris}')), grpcResult('call_1')] },
      'messages[1].tool_calls[0].arguments',
      /must be JSON text, got "\{city: Paris\}"/,
    ],
    [
      'an assistant tool call with empty arguments',
      { messages: [ASK, grpcCalling(grpcCall('call_1', 'get_weather', '')), grpcResult('call_1')] },
      'messages[1].tool_calls[0].arguments',
      /must be JSON text/,
    ],
    [
      'an assistant tool call without id',
      { messages: [ASK, grpcCalling(grpcCall('')), grpcResult('call_1')] },
      'messages[1].tool_calls[0].id',
      /must be 1 to 256 characters/,
    ],
    [
      'an assistant tool call with a bad function name',
      { messages: [ASK, grpcCalling(grpcCall('call_1', 'get weather')), grpcResult('call_1')] },
      'messages[1].tool_calls[0].name',
      /"get weather" is not a function name/,
    ],
    [
      'two tool calls with the same id in one message',
      {
        messages: [ASK, grpcCalling(grpcCall('call_1'), grpcCall('call_1', 'get_time', '{}')), grpcResult('call_1')],
      },
      'messages[1].tool_calls[1].id',
      /"call_1" is used by an earlier tool call/,
    ],
    [
      'a tool call id reused in a later turn',
      {
        messages: [
          ASK,
          grpcCalling(grpcCall('call_1')),
          grpcResult('call_1'),
          { role: 'assistant', content: '21 degrees' },
          { role: 'user', content: 'And in Rome?' },
          grpcCalling(grpcCall('call_1')),
          grpcResult('call_1'),
        ],
      },
      'messages[5].tool_calls[0].id',
      /"call_1" is used by an earlier tool call/,
    ],
    [
      'a tool call left unanswered before the next user message',
      {
        messages: [
          ASK,
          grpcCalling(grpcCall('call_1'), grpcCall('call_2', 'get_time', '{}')),
          grpcResult('call_2'),
          { role: 'user', content: 'well?' },
        ],
      },
      'messages[3]',
      /the tool call messages\[1\]\.tool_calls\[0\] \("call_1"\) has no tool message answering it/,
    ],
    [
      'a tool call left unanswered at the end',
      { messages: [ASK, grpcCalling(grpcCall('call_1'))] },
      'messages',
      /the tool call messages\[1\]\.tool_calls\[0\] \("call_1"\) has no tool message answering it/,
    ],
    [
      'tool_calls on a user message',
      { messages: [{ role: 'user', content: 'hi', toolCalls: [grpcCall('call_1')] }] },
      'messages[0].tool_calls',
      /only assistant messages call tools/,
    ],
    [
      'tool_calls on a tool message',
      {
        messages: [
          ASK,
          grpcCalling(grpcCall('call_1')),
          { role: 'tool', content: '{}', toolCallId: 'call_1', toolCalls: [grpcCall('call_2')] },
        ],
      },
      'messages[2].tool_calls',
      /only assistant messages call tools/,
    ],
    [
      'tool_call_id on a user message',
      { messages: [{ role: 'user', content: 'hi', toolCallId: 'call_1' }] },
      'messages[0].tool_call_id',
      /only tool messages answer tool calls/,
    ],
    [
      'the function role',
      { messages: [ASK, { role: 'function', content: '{}', name: 'get_weather' }] },
      'messages[1].role',
      /"function" is not one of system, developer, user, assistant, tool \(the function role is replaced by tool\)/,
    ],
    [
      'top_logprobs without logprobs',
      { messages: [ASK], parameters: { topLogprobs: 3 } },
      'parameters.top_logprobs',
      /needs parameters\.logprobs set to true/,
    ],
    [
      'top_logprobs with logprobs false',
      { messages: [ASK], parameters: { logprobs: false, topLogprobs: 3 } },
      'parameters.top_logprobs',
      /needs parameters\.logprobs set to true/,
    ],
    [
      'top_logprobs 21',
      { messages: [ASK], parameters: { logprobs: true, topLogprobs: 21 } },
      'parameters.top_logprobs',
      /must be a whole number from 0 to 20, got 21/,
    ],
    [
      'frequency_penalty 3',
      { messages: [ASK], parameters: { frequencyPenalty: 3 } },
      'parameters.frequency_penalty',
      /must be a number from -2 to 2, got 3/,
    ],
  ])('refuses %s', (_, invoke, field, message) => {
    expectRefused(() => validateGrpc(invoke), field, message);
  });

  it('accepts a two-turn tool loop and maps it to the engines shape', () => {
    const call = validateGrpc({
      messages: [
        { role: 'developer', content: 'Be brief.' },
        ASK,
        { ...grpcCalling(grpcCall('call_1')), name: 'planner' },
        grpcResult('call_1'),
        { role: 'assistant', content: '21 degrees.' },
        { role: 'user', content: 'And the time?' },
        grpcCalling(grpcCall('call_2', 'get_time', '{}')),
        grpcResult('call_2', '12:00'),
      ],
      tools: GRPC_TOOLS,
      toolChoice: { mode: 'auto' },
      parallelToolCalls: false,
    });
    expect(call).toEqual({
      task: 'pick-tool',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          name: 'planner',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
        { role: 'assistant', content: '21 degrees.' },
        { role: 'user', content: 'And the time?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
        },
        { role: 'tool', content: '12:00', tool_call_id: 'call_2' },
      ],
      params: {},
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather in a city',
            parameters: WEATHER_PARAMETERS,
            strict: true,
          },
        },
        { type: 'function', function: { name: 'get_time' } },
      ],
      toolChoice: 'auto',
      parallelToolCalls: false,
    });
  });

  it('keeps the text of an assistant message that also calls tools', () => {
    const call = validateGrpc({
      messages: [ASK, { ...grpcCalling(grpcCall('call_1')), content: 'Looking it up.' }, grpcResult('call_1')],
      tools: GRPC_TOOLS,
    });
    expect(call.messages[1]).toMatchObject({ role: 'assistant', content: 'Looking it up.' });
  });

  it('maps a named tool_choice to the engines shape', () => {
    expect(
      validateGrpc({ messages: [ASK], tools: GRPC_TOOLS, toolChoice: { function: 'get_time' } }).toolChoice,
    ).toEqual({ type: 'function', function: { name: 'get_time' } });
  });

  it.each(['none', 'auto'])('drops tool_choice %s when the call gives no tools', (mode) => {
    const call = validateGrpc({ messages: [ASK], toolChoice: { mode } });
    expect(call).toEqual({ task: 'pick-tool', messages: [{ role: 'user', content: 'Weather in Paris?' }], params: {} });
    expect('toolChoice' in call).toBe(false);
  });

  it('keeps tool_choice none when the call gives tools', () => {
    expect(validateGrpc({ messages: [ASK], tools: GRPC_TOOLS, toolChoice: { mode: 'none' } }).toolChoice).toBe('none');
  });

  it('accepts 128 tools and top_logprobs 20 with logprobs', () => {
    const call = validateGrpc({
      messages: [ASK],
      tools: manyGrpcTools(128),
      parameters: { logprobs: true, topLogprobs: 20 },
    });
    expect(call.tools).toHaveLength(128);
    expect(call.params).toEqual({ logprobs: true, top_logprobs: 20 });
  });
});

describe('validateCall on the OpenAI door', () => {
  it.each<[string, unknown, string, RegExp]>([
    [
      'a tool without a name',
      body({ tools: [{ type: 'function', function: { description: 'no name' } }] }),
      'tools[0].function.name',
      /is required/,
    ],
    [
      'a tool name that is not a string',
      body({ tools: [{ type: 'function', function: { name: 7 } }] }),
      'tools[0].function.name',
      /must be a string, got number/,
    ],
    [
      'a tool name with a space',
      body({ tools: [OPENAI_TOOLS[0], { type: 'function', function: { name: 'get time' } }] }),
      'tools[1].function.name',
      /"get time" is not a function name \(1 to 64 letters, digits, _ or -\)/,
    ],
    [
      'a tool name of 65 characters',
      body({ tools: [{ type: 'function', function: { name: 'a'.repeat(65) } }] }),
      'tools[0].function.name',
      /not a function name \(1 to 64/,
    ],
    [
      'two tools with the same name',
      body({ tools: [...OPENAI_TOOLS, { type: 'function', function: { name: 'get_time' } }] }),
      'tools[2].function.name',
      /"get_time" is given twice; names must be unique/,
    ],
    [
      'parameters that are an array',
      body({ tools: [{ type: 'function', function: { name: 'f', parameters: [{ type: 'object' }] } }] }),
      'tools[0].function.parameters',
      /must be a JSON Schema object/,
    ],
    [
      'parameters that are a number',
      body({ tools: [{ type: 'function', function: { name: 'f', parameters: 5 } }] }),
      'tools[0].function.parameters',
      /must be a JSON Schema object/,
    ],
    [
      'parameters that are not a valid JSON Schema',
      body({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'banana' } } }] }),
      'tools[0].function.parameters',
      /is not a valid JSON Schema/,
    ],
    [
      'strict that is not a boolean',
      body({ tools: [{ type: 'function', function: { name: 'f', strict: 'yes' } }] }),
      'tools[0].function.strict',
      /must be true or false/,
    ],
    ['129 tools', body({ tools: manyOpenAiTools(129) }), 'tools', /has 129 tools; at most 128/],
    ['tools that are not an array', body({ tools: { type: 'function' } }), 'tools', /must be an array of tools/],
    [
      'a tool of type custom',
      body({ tools: [OPENAI_TOOLS[0], { type: 'custom', custom: { name: 'grammar' } }] }),
      'tools[1].type',
      /only "function" tools are served, got "custom"/,
    ],
    [
      'a tool without its function object',
      body({ tools: [{ type: 'function', name: 'get_weather' }] }),
      'tools[0].function',
      /must be an object/,
    ],
    [
      'an unknown tool_choice mode',
      withTools({ tool_choice: 'any' }),
      'tool_choice',
      /"any" is not one of none, auto, required/,
    ],
    [
      'tool_choice naming a tool the call does not give',
      withTools({ tool_choice: { type: 'function', function: { name: 'send_email' } } }),
      'tool_choice.function.name',
      /"send_email" is not one of the call's tools \(get_weather, get_time\)/,
    ],
    [
      'tool_choice naming a function without tools',
      body({ tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
      'tool_choice.function.name',
      /names a function, but the call gives no tools/,
    ],
    [
      'tool_choice an object of another type',
      withTools({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }),
      'tool_choice',
      /must be none, auto, required or \{type: "function", function: \{name\}\}/,
    ],
    ['tool_choice a number', withTools({ tool_choice: 1 }), 'tool_choice', /must be none, auto, required or/],
    [
      'tool_choice required without tools',
      body({ tool_choice: 'required' }),
      'tool_choice',
      /is required, but the call gives no tools/,
    ],
    [
      'tool_choice required with an empty tools array',
      body({ tools: [], tool_choice: 'required' }),
      'tool_choice',
      /is required, but the call gives no tools/,
    ],
    [
      'parallel_tool_calls without tools',
      body({ parallel_tool_calls: true }),
      'parallel_tool_calls',
      /is set, but the call gives no tools/,
    ],
    [
      'parallel_tool_calls that is not a boolean',
      withTools({ parallel_tool_calls: 'no' }),
      'parallel_tool_calls',
      /must be true or false/,
    ],
    [
      'a tool message without tool_call_id',
      withTools({ messages: [aiAsk, aiCalling(aiCall('call_1')), { role: 'tool', content: '{}' }] }),
      'messages[2].tool_call_id',
      /is required: name the tool call this result answers/,
    ],
    [
      'a tool message with an unknown tool_call_id',
      withTools({ messages: [aiAsk, aiCalling(aiCall('call_1')), aiResult('call_9')] }),
      'messages[2].tool_call_id',
      /"call_9" answers no earlier assistant tool call that is still unanswered/,
    ],
    [
      'two tool messages answering the same call',
      withTools({ messages: [aiAsk, aiCalling(aiCall('call_1')), aiResult('call_1'), aiResult('call_1')] }),
      'messages[3].tool_call_id',
      /"call_1" answers no earlier assistant tool call that is still unanswered/,
    ],
    [
      'an assistant tool call with arguments that are not JSON',
      withTools({
        messages: [aiAsk, aiCalling(aiCall('call_1', 'get_weather', '{city: Paris}')), aiResult('call_1')],
      }),
      'messages[1].tool_calls[0].function.arguments',
      /must be JSON text, got "\{city: Paris\}"/,
    ],
    [
      'an assistant tool call with arguments that are an object, not text',
      withTools({
        messages: [
          aiAsk,
          aiCalling({ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: { city: 'P' } } }),
          aiResult('call_1'),
        ],
      }),
      'messages[1].tool_calls[0].function.arguments',
      /must be a string, got object/,
    ],
    [
      'an assistant tool call without id',
      withTools({ messages: [aiAsk, aiCalling(aiCall(undefined)), aiResult('call_1')] }),
      'messages[1].tool_calls[0].id',
      /must be 1 to 256 characters/,
    ],
    [
      'an assistant tool call with a bad function name',
      withTools({ messages: [aiAsk, aiCalling(aiCall('call_1', 'get.weather')), aiResult('call_1')] }),
      'messages[1].tool_calls[0].function.name',
      /"get\.weather" is not a function name/,
    ],
    [
      'an assistant tool call of type custom',
      withTools({
        messages: [aiAsk, aiCalling({ ...aiCall('call_1'), type: 'custom' }), aiResult('call_1')],
      }),
      'messages[1].tool_calls[0].type',
      /only function tool calls are served/,
    ],
    [
      'tool_calls that are not an array',
      withTools({ messages: [aiAsk, { role: 'assistant', content: null, tool_calls: aiCall('call_1') }] }),
      'messages[1].tool_calls',
      /must be an array of tool calls/,
    ],
    [
      'two tool calls with the same id',
      withTools({
        messages: [
          aiAsk,
          aiCalling(aiCall('call_1'), aiCall('call_1', 'get_time', '{}')),
          aiResult('call_1'),
          aiResult('call_1'),
        ],
      }),
      'messages[1].tool_calls[1].id',
      /"call_1" is used by an earlier tool call/,
    ],
    [
      'a tool call left unanswered before the next user message',
      withTools({
        messages: [
          aiAsk,
          aiCalling(aiCall('call_1'), aiCall('call_2', 'get_time', '{}')),
          aiResult('call_1'),
          { role: 'user', content: 'well?' },
        ],
      }),
      'messages[3]',
      /the tool call messages\[1\]\.tool_calls\[1\] \("call_2"\) has no tool message answering it/,
    ],
    [
      'a tool call left unanswered before an assistant message',
      withTools({
        messages: [aiAsk, aiCalling(aiCall('call_1')), { role: 'assistant', content: 'done' }, aiResult('call_1')],
      }),
      'messages[2]',
      /\("call_1"\) has no tool message answering it/,
    ],
    [
      'tool_calls on a user message',
      withTools({ messages: [{ role: 'user', content: 'hi', tool_calls: [aiCall('call_1')] }] }),
      'messages[0].tool_calls',
      /only assistant messages call tools/,
    ],
    [
      'tool_call_id on a user message',
      withTools({ messages: [{ role: 'user', content: 'hi', tool_call_id: 'call_1' }] }),
      'messages[0].tool_call_id',
      /only tool messages answer tool calls/,
    ],
    [
      'the function role',
      withTools({ messages: [aiAsk, { role: 'function', name: 'get_weather', content: '{}' }] }),
      'messages[1].role',
      /the function role is replaced by tool/,
    ],
    [
      'an image_url content part',
      body({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            ],
          },
        ],
      }),
      'messages[0].content[1]',
      /only text parts \(\{type: "text", text\}\) are served, got "image_url"/,
    ],
    [
      'null content on a user message',
      body({ messages: [{ role: 'user', content: null }] }),
      'messages[0].content',
      /is required \(only an assistant message that calls tools may omit it\)/,
    ],
    [
      'no content on an assistant message without tool calls',
      body({ messages: [aiAsk, { role: 'assistant' }, aiAsk] }),
      'messages[1].content',
      /is required/,
    ],
    [
      'a message name over 256 characters',
      body({ messages: [{ role: 'user', content: 'hi', name: 'n'.repeat(257) }] }),
      'messages[0].name',
      /at most 256 characters/,
    ],
    ['top_logprobs without logprobs', body({ top_logprobs: 2 }), 'top_logprobs', /needs logprobs set to true/],
    [
      'top_logprobs 21',
      body({ logprobs: true, top_logprobs: 21 }),
      'top_logprobs',
      /must be a whole number from 0 to 20, got 21/,
    ],
    ['logprobs that is not a boolean', body({ logprobs: 1 }), 'logprobs', /must be true or false/],
    [
      'frequency_penalty 3',
      body({ frequency_penalty: 3 }),
      'frequency_penalty',
      /must be a number from -2 to 2, got 3/,
    ],
    ['an unknown top-level parameter', body({ foo: 1 }), 'foo', /is not a chat completion parameter slm-fleet serves/],
    [
      'the deprecated functions parameter',
      body({ functions: [{ name: 'get_weather', parameters: WEATHER_PARAMETERS }] }),
      'functions',
      /deprecated functions parameter is not served: use tools/,
    ],
    ['the deprecated function_call parameter', body({ function_call: 'auto' }), 'function_call', /use tool_choice/],
    ['logit_bias', body({ logit_bias: { '50256': -100 } }), 'logit_bias', /token ids differ between specialists/],
    ['store: true', body({ store: true }), 'store', /stores no completions/],
    ['service_tier flex', body({ service_tier: 'flex' }), 'service_tier', /only auto or default is served/],
    ['n: 2', body({ n: 2 }), 'n', /only n = 1 is served/],
    ["stream: 'yes'", body({ stream: 'yes' }), 'stream', /must be true or false/],
  ])('refuses %s', (_, request, field, message) => {
    expectRefused(() => validateOpenAi(request), field, message);
  });

  it('accepts a two-turn tool loop and maps it to the engines shape', () => {
    const call = validateOpenAi({
      model: 'pick-tool',
      messages: [
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'Be ' },
            { type: 'text', text: 'brief.' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in ' },
            { type: 'input_text', text: 'Paris?' },
          ],
        },
        aiCalling(aiCall('call_1')),
        aiResult('call_1'),
        { role: 'assistant', content: '21 degrees.' },
        { role: 'user', content: 'And the time?', name: 'ann' },
        { role: 'assistant', tool_calls: [aiCall('call_2', 'get_time', '{}')] },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
      ],
      tools: OPENAI_TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: true,
    });
    expect(call).toEqual({
      task: 'pick-tool',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
        { role: 'assistant', content: '21 degrees.' },
        { role: 'user', content: 'And the time?', name: 'ann' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
        },
        { role: 'tool', content: '12:00', tool_call_id: 'call_2' },
      ],
      params: {},
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather in a city',
            parameters: WEATHER_PARAMETERS,
            strict: true,
          },
        },
        { type: 'function', function: { name: 'get_time' } },
      ],
      toolChoice: { type: 'function', function: { name: 'get_time' } },
      parallelToolCalls: true,
    });
  });

  it('accepts the same loop on both doors with the same result', () => {
    const grpc = validateGrpc({
      messages: [ASK, grpcCalling(grpcCall('call_1')), grpcResult('call_1')],
      tools: GRPC_TOOLS,
      toolChoice: { mode: 'required' },
    });
    const openAi = validateOpenAi(
      withTools({ messages: [aiAsk, aiCalling(aiCall('call_1')), aiResult('call_1')], tool_choice: 'required' }),
    );
    expect(openAi).toEqual(grpc);
    expect(openAi.toolChoice).toBe('required');
  });

  it.each(['none', 'auto'])('drops tool_choice %s when the call gives no tools', (mode) => {
    const call = validateOpenAi(body({ tool_choice: mode }));
    expect(call).toEqual({ task: 'pick-tool', messages: [{ role: 'user', content: 'Weather in Paris?' }], params: {} });
  });

  it('treats null tools, tool_choice and parallel_tool_calls as absent', () => {
    const call = validateOpenAi(body({ tools: null, tool_choice: null, parallel_tool_calls: null }));
    expect(call).toEqual({ task: 'pick-tool', messages: [{ role: 'user', content: 'Weather in Paris?' }], params: {} });
  });

  it.each<[string, Record<string, unknown>]>([
    ['store: false', { store: false }],
    ['metadata', { metadata: { team: 'search' } }],
    ["service_tier: 'auto'", { service_tier: 'auto' }],
    ["service_tier: 'default'", { service_tier: 'default' }],
    ["modalities: ['text']", { modalities: ['text'] }],
    ['prompt_cache_key', { prompt_cache_key: 'k' }],
    ['n: 1', { n: 1 }],
  ])('accepts %s, changing nothing', (_, fields) => {
    const call = validateOpenAi(body(fields));
    expect(call).toEqual({ task: 'pick-tool', messages: [{ role: 'user', content: 'Weather in Paris?' }], params: {} });
  });

  it('passes logprobs and top_logprobs on', () => {
    expect(validateOpenAi(body({ logprobs: true, top_logprobs: 0 })).params).toEqual({
      logprobs: true,
      top_logprobs: 0,
    });
  });

  // OpenAI's API refuses `parameters` given as JSON text (it must be an object); the OpenAI door
  // hands the value to the check shared with gRPC, which parses a string as JSON text.
  it('refuses parameters given as JSON text on the OpenAI door', () => {
    expectRefused(
      () =>
        validateOpenAi(
          body({ tools: [{ type: 'function', function: { name: 'f', parameters: '{"type":"object"}' } }] }),
        ),
      'tools[0].function.parameters',
      /must be a JSON Schema object/,
    );
  });
});
