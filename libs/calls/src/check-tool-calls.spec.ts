import type { ToolCall, ToolDefinition } from '@slm-fleet/queue';
import { describe, expect, it } from 'vitest';
import { CallFailure } from './call-failure.js';
import { checkToolCalls, type ToolContract } from './check-tool-calls.js';
import { SchemaValidators } from './schema-validator.js';

const validators = new SchemaValidators();

const WEATHER: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
      required: ['city'],
      additionalProperties: false,
    },
    strict: true,
  },
};
/** Not strict: its arguments are checked only when the task asks. */
const SEARCH: ToolDefinition = {
  type: 'function',
  function: {
    name: 'search',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
};
/** strict: false, and no parameters at all. */
const TIME: ToolDefinition = { type: 'function', function: { name: 'get_time', strict: false } };
/** Strict, without parameters: its arguments must be a JSON object. */
const PING: ToolDefinition = { type: 'function', function: { name: 'ping', strict: true } };

const TOOLS = [WEATHER, SEARCH, TIME, PING];

let next = 0;
const call = (name: string, args: string): ToolCall => ({
  id: `call_${++next}`,
  type: 'function',
  function: { name, arguments: args },
});
const weather = (args = '{"city":"Paris"}') => call('get_weather', args);
const search = (args = '{"query":"news"}') => call('search', args);

const contract = (change: Partial<ToolContract> = {}): ToolContract => ({
  tools: TOOLS,
  validateArguments: false,
  ...change,
});

function failureOf(calls: ToolCall[] | undefined, c: ToolContract): CallFailure {
  try {
    checkToolCalls(calls, c, validators, 'ns/tool-picker');
  } catch (error) {
    if (error instanceof CallFailure) return error;
    throw error;
  }
  throw new Error('expected a CallFailure, but the answer passed');
}

describe('checkToolCalls', () => {
  it.each<[string, ToolCall[] | undefined, ToolContract, RegExp]>([
    ['required with no call', [], contract({ toolChoice: 'required' }), /calls no tool, but tool_choice is required/],
    [
      'required with the calls absent',
      undefined,
      contract({ toolChoice: 'required' }),
      /calls no tool, but tool_choice is required/,
    ],
    [
      'a named tool with another tool called',
      [search()],
      contract({ toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
      /does not call get_weather \(only\), which tool_choice names/,
    ],
    [
      'a named tool with it and another tool called',
      [weather(), search()],
      contract({ toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
      /does not call get_weather \(only\)/,
    ],
    [
      'a named tool with no call',
      [],
      contract({ toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
      /does not call get_weather/,
    ],
    ['none with a call', [weather()], contract({ toolChoice: 'none' }), /calls a tool, but tool_choice is none/],
    [
      'parallel_tool_calls false with two calls',
      [weather(), search()],
      contract({ parallelToolCalls: false }),
      /calls 2 tools, but parallel_tool_calls is false/,
    ],
    [
      'parallel_tool_calls false with two calls of the named tool',
      [weather(), weather('{"city":"Rome"}')],
      contract({ parallelToolCalls: false, toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
      /calls 2 tools, but parallel_tool_calls is false/,
    ],
    [
      'a call to a tool not offered',
      [call('send_email', '{}')],
      contract(),
      /calls send_email, which the call did not offer/,
    ],
    [
      'a good call, then a call to a tool not offered',
      [weather(), call('send_email', '{}')],
      contract(),
      /calls send_email, which the call did not offer/,
    ],
    [
      'a call when no tools were offered',
      [weather()],
      { validateArguments: false },
      /calls a tool, but the call offered none/,
    ],
    [
      'a call when no tools were offered, even if the task validates arguments',
      [weather()],
      { validateArguments: true },
      /calls a tool, but the call offered none/,
    ],
  ])('fails %s with TOOL_CHOICE_VIOLATED', (_, calls, c, message) => {
    const failure = failureOf(calls, c);
    expect(failure.code).toBe('FAILED_PRECONDITION');
    expect(failure.reason).toBe('TOOL_CHOICE_VIOLATED');
    expect(failure.message).toMatch(/^the answer of ns\/tool-picker /);
    expect(failure.message).toMatch(message);
  });

  it.each<[string, ToolCall, boolean, RegExp]>([
    ['strict arguments that are not JSON', weather('{city: Paris}'), false, /are not JSON \("\{city: Paris\}"\)/],
    ['strict arguments that are empty', weather(''), false, /are not JSON \(""\)/],
    [
      'strict arguments missing a required property',
      weather('{"days":2}'),
      false,
      /do not satisfy its parameters schema: .*must have required property 'city'/,
    ],
    [
      'strict arguments with an extra property',
      weather('{"city":"Paris","unit":"C"}'),
      false,
      /do not satisfy its parameters schema: .*must NOT have additional properties/,
    ],
    [
      'strict arguments of the wrong type',
      weather('{"city":"Paris","days":"two"}'),
      false,
      /do not satisfy its parameters schema: .*must be integer/,
    ],
    ['strict arguments that are an array', weather('["Paris"]'), false, /must be object/],
    [
      'strict arguments, without parameters, that are not an object',
      call('ping', '"hello"'),
      false,
      /calls ping with arguments that do not satisfy its parameters schema: .*must be object/,
    ],
    [
      'non-strict arguments that are not JSON when the task validates arguments',
      search('query=news'),
      true,
      /calls search with arguments that are not JSON/,
    ],
    [
      'non-strict arguments missing a property when the task validates arguments',
      search('{}'),
      true,
      /calls search with arguments that do not satisfy its parameters schema: .*must have required property 'query'/,
    ],
    [
      'arguments of a tool without parameters that are not an object when the task validates arguments',
      call('get_time', '[]'),
      true,
      /calls get_time with arguments that do not satisfy its parameters schema/,
    ],
  ])('fails %s with TOOL_ARGUMENTS_INVALID', (_, made, validateArguments, message) => {
    const failure = failureOf([made], contract({ validateArguments }));
    expect(failure.code).toBe('FAILED_PRECONDITION');
    expect(failure.reason).toBe('TOOL_ARGUMENTS_INVALID');
    expect(failure.message).toMatch(/^the answer of ns\/tool-picker calls /);
    expect(failure.message).toMatch(message);
  });

  it('checks every call, not only the first', () => {
    const failure = failureOf([weather(), weather('{"town":"Rome"}')], contract());
    expect(failure.reason).toBe('TOOL_ARGUMENTS_INVALID');
  });

  it.each<[string, ToolCall[] | undefined, ToolContract]>([
    ['a good strict call', [weather()], contract()],
    ['a good call with every strict property', [weather('{"city":"Paris","days":3}')], contract()],
    ['non-strict arguments that are not JSON', [search('query=news')], contract()],
    ['non-strict arguments that miss a property', [search('{}')], contract()],
    ['arguments of a strict: false tool that are not JSON', [call('get_time', 'now')], contract()],
    ['good non-strict arguments when the task validates arguments', [search()], contract({ validateArguments: true })],
    ['an empty object for a strict tool without parameters', [call('ping', '{}')], contract()],
    ['a text answer under auto', [], contract({ toolChoice: 'auto' })],
    ['a call under auto', [weather()], contract({ toolChoice: 'auto' })],
    ['a text answer under none', [], contract({ toolChoice: 'none' })],
    ['a text answer with no choice given', undefined, contract()],
    ['a call under required', [weather()], contract({ toolChoice: 'required' })],
    ['two calls under required', [weather(), search()], contract({ toolChoice: 'required' })],
    [
      'the named tool called',
      [weather()],
      contract({ toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
    ],
    [
      'the named tool called twice, parallel calls allowed',
      [weather(), weather('{"city":"Rome"}')],
      contract({ toolChoice: { type: 'function', function: { name: 'get_weather' } } }),
    ],
    ['two calls with parallel_tool_calls true', [weather(), search()], contract({ parallelToolCalls: true })],
    ['one call with parallel_tool_calls false', [weather()], contract({ parallelToolCalls: false })],
    ['no calls and no tools', [], { validateArguments: true }],
    ['absent calls and no tools', undefined, { validateArguments: false }],
  ])('passes %s', (_, calls, c) => {
    expect(() => checkToolCalls(calls, c, validators, 'ns/tool-picker')).not.toThrow();
  });
});
