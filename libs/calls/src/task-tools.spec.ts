import type { ToolDefinition } from '@slm-fleet/queue';
import { describe, expect, it } from 'vitest';
import { CallFailure } from './call-failure.js';
import { GRPC_FIELD_NAMES, OPENAI_FIELD_NAMES, type FieldNames } from './call-request.js';
import { checkToolsAgainstTask } from './task-tools.js';

const tool = (name: string, parameters?: Record<string, unknown>): ToolDefinition => ({
  type: 'function',
  function: { name, ...(parameters ? { parameters } : {}) },
});

const CITY = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const TASK_TOOLS = [tool('get_weather', CITY), tool('get_time'), tool('search', { type: 'object' })];

function failureOf(tools: ToolDefinition[], names: FieldNames): CallFailure {
  try {
    checkToolsAgainstTask(tools, TASK_TOOLS, 'tool-picker', names);
  } catch (error) {
    if (error instanceof CallFailure) return error;
    throw error;
  }
  throw new Error('expected a CallFailure, but the tools passed');
}

describe('checkToolsAgainstTask', () => {
  it.each<[string, ToolDefinition[], string, string, RegExp]>([
    [
      'a tool the task does not serve',
      [tool('get_weather', CITY), tool('send_email')],
      'tools[1].name',
      'tools[1].function.name',
      /task tool-picker serves the tools get_weather, get_time, search, not "send_email"/,
    ],
    [
      'a served name with other parameters',
      [tool('get_weather', { type: 'object', properties: { town: { type: 'string' } } })],
      'tools[0].parameters',
      'tools[0].function.parameters',
      /differ from the parameters of get_weather in task tool-picker/,
    ],
    [
      'a served name with one property fewer',
      [tool('get_time'), tool('get_weather', { type: 'object', properties: { city: { type: 'string' } } })],
      'tools[1].parameters',
      'tools[1].function.parameters',
      /differ from the parameters of get_weather/,
    ],
    [
      'a served name without the parameters the task gives',
      [tool('get_weather')],
      'tools[0].parameters',
      'tools[0].function.parameters',
      /differ from the parameters of get_weather/,
    ],
    [
      'parameters where the task gives none',
      [tool('get_time', { type: 'object', properties: { zone: { type: 'string' } } })],
      'tools[0].parameters',
      'tools[0].function.parameters',
      /differ from the parameters of get_time/,
    ],
    [
      'a name that differs only in case',
      [tool('Get_Weather', CITY)],
      'tools[0].name',
      'tools[0].function.name',
      /not "Get_Weather"/,
    ],
  ])('refuses %s, naming the field per door', (_, tools, grpcField, openAiField, message) => {
    for (const [names, field] of [
      [GRPC_FIELD_NAMES, grpcField],
      [OPENAI_FIELD_NAMES, openAiField],
    ] as const) {
      const failure = failureOf(tools, names);
      expect(failure.code).toBe('INVALID_ARGUMENT');
      expect(failure.field).toBe(field);
      expect(failure.message).toMatch(message);
    }
  });

  it.each<[string, ToolDefinition[] | undefined, ToolDefinition[] | undefined]>([
    ['all of the task tools', TASK_TOOLS, TASK_TOOLS],
    [
      'a subset of the task tools, in another order',
      [tool('search', { type: 'object' }), tool('get_time')],
      TASK_TOOLS,
    ],
    [
      'the same parameters with keys in another order',
      [tool('get_weather', { required: ['city'], properties: { city: { type: 'string' } }, type: 'object' })],
      TASK_TOOLS,
    ],
    [
      'the same arguments as a framework writes them (zod: $schema, additionalProperties, descriptions)',
      [
        tool('get_weather', {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          properties: { city: { type: 'string', description: 'The city' } },
          required: ['city'],
          additionalProperties: false,
        }),
      ],
      TASK_TOOLS,
    ],
    ['an empty object for a task tool without parameters', [tool('get_time', {})], TASK_TOOLS],
    ['any tool when the task has no tool set', [tool('send_email', { type: 'object' }), tool('anything')], undefined],
    ['a call without tools', undefined, TASK_TOOLS],
  ])('passes %s', (_, tools, taskTools) => {
    for (const names of [GRPC_FIELD_NAMES, OPENAI_FIELD_NAMES]) {
      expect(() => checkToolsAgainstTask(tools, taskTools, 'tool-picker', names)).not.toThrow();
    }
  });
});
