import { invalidArgument } from './call-failure.js';
import type { CallMessage, CallRequest, CallTool, CallToolChoice, CallToolCall } from './call-request.js';
import { checkKnownFields } from './openai-fields.js';
import {
  contentText,
  defined,
  isObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  priorityOf,
  type Body,
  checkNesting,
} from './json-shapes.js';

/** A chat completion request to the OpenAI-compatible front door, mapped to a call. */
export interface OpenAiCall {
  request: CallRequest;
  stream: boolean;
  includeUsage: boolean;
}

function toolCallsOf(value: unknown, at: string): CallToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidArgument(at, 'must be an array of tool calls');
  return value.map((call: unknown, j) => {
    const field = `${at}[${j}]`;
    if (!isObject(call)) throw invalidArgument(field, 'must be an object {id, type: "function", function}');
    if (call.type !== undefined && call.type !== 'function') {
      throw invalidArgument(`${field}.type`, 'only function tool calls are served');
    }
    if (!isObject(call.function)) throw invalidArgument(`${field}.function`, 'must be an object {name, arguments}');
    return {
      id: optionalString(call, 'id', field) ?? '',
      name: optionalString(call.function, 'name', `${field}.function`) ?? '',
      arguments: optionalString(call.function, 'arguments', `${field}.function`) ?? '',
    };
  });
}

function messagesOf(value: unknown): CallMessage[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument('messages', 'must be an array of messages');
  return value.map((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isObject(m) || typeof m.role !== 'string')
      throw invalidArgument(at, 'must be an object with a role and content');
    const toolCalls = toolCallsOf(m.tool_calls, `${at}.tool_calls`);
    const name = optionalString(m, 'name', at);
    const toolCallId = optionalString(m, 'tool_call_id', at);
    return {
      role: m.role,
      content: contentText(m.content, `${at}.content`),
      ...(name === undefined ? {} : { name }),
      ...(toolCalls ? { toolCalls } : {}),
      ...(toolCallId === undefined ? {} : { toolCallId }),
    };
  });
}

function toolsOf(value: unknown): CallTool[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidArgument('tools', 'must be an array of tools');
  return value.map((tool: unknown, i) => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) throw invalidArgument(at, 'must be an object {type: "function", function}');
    if (tool.type !== 'function') {
      throw invalidArgument(`${at}.type`, `only "function" tools are served, got ${JSON.stringify(tool.type)}`);
    }
    const fn = tool.function;
    if (!isObject(fn)) throw invalidArgument(`${at}.function`, 'must be an object {name, description, parameters}');
    const description = optionalString(fn, 'description', `${at}.function`);
    const strict = optionalBoolean(fn, 'strict', `${at}.function`);
    return {
      name: optionalString(fn, 'name', `${at}.function`) ?? '',
      ...(description === undefined ? {} : { description }),
      ...(fn.parameters === undefined || fn.parameters === null ? {} : { parameters: schemaObject(fn.parameters, at) }),
      ...(strict === undefined ? {} : { strict }),
    };
  });
}

/** OpenAI takes a schema object here (JSON text is gRPC's way). */
function schemaObject(value: unknown, at: string): Body {
  if (!isObject(value)) throw invalidArgument(`${at}.function.parameters`, 'must be a JSON Schema object');
  return value;
}

function toolChoiceOf(value: unknown): CallToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { mode: value };
  if (isObject(value) && value.type === 'function' && isObject(value.function)) {
    return { function: optionalString(value.function, 'name', 'tool_choice.function') ?? '' };
  }
  throw invalidArgument('tool_choice', 'must be none, auto, required or {type: "function", function: {name}}');
}

function stopOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value as string[];
  throw invalidArgument('stop', 'must be a string or an array of strings');
}

function schemaOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidArgument('response_format', 'must be an object');
  if (value.type === 'text') return undefined;
  if (value.type === 'json_object') return '{"type":"object"}';
  if (value.type === 'json_schema') {
    const spec = value.json_schema;
    if (!isObject(spec) || !isObject(spec.schema)) {
      throw invalidArgument('response_format.json_schema.schema', 'must be a JSON Schema object');
    }
    return JSON.stringify(spec.schema);
  }
  throw invalidArgument('response_format.type', 'must be text, json_object or json_schema');
}

/**
 * Maps an OpenAI chat completion body to a call: `model` is the task name. Shape errors name
 * the OpenAI parameter; validateCall then checks the values. A parameter slm-fleet does not
 * serve is refused by name, never dropped.
 */
export function openAiCallOf(body: unknown, headers: { idempotencyKey?: string; priority?: string }): OpenAiCall {
  if (!isObject(body)) throw invalidArgument('body', 'must be a JSON object');
  checkKnownFields(body);
  checkNesting(body);
  if (typeof body.model !== 'string') throw invalidArgument('model', 'is required: the task name, as a string');
  const n = optionalNumber(body, 'n');
  if (n !== undefined && n !== 1) throw invalidArgument('n', 'only n = 1 is served');
  const stream = optionalBoolean(body, 'stream', '') ?? false;
  if (body.stream_options !== undefined && body.stream_options !== null && !isObject(body.stream_options)) {
    throw invalidArgument('stream_options', 'must be an object');
  }
  const streamOptions: Body = isObject(body.stream_options) ? body.stream_options : {};
  const jsonSchema = schemaOf(body.response_format);
  const tools = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const parallelToolCalls = optionalBoolean(body, 'parallel_tool_calls', '');
  const priority = priorityOf(headers.priority);
  const request: CallRequest = {
    task: body.model,
    messages: messagesOf(body.messages),
    params: defined({
      maxTokens: optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens'),
      temperature: optionalNumber(body, 'temperature'),
      topP: optionalNumber(body, 'top_p'),
      stop: stopOf(body.stop),
      seed: optionalNumber(body, 'seed'),
      frequencyPenalty: optionalNumber(body, 'frequency_penalty'),
      presencePenalty: optionalNumber(body, 'presence_penalty'),
      logprobs: optionalBoolean(body, 'logprobs', ''),
      topLogprobs: optionalNumber(body, 'top_logprobs'),
    }),
    ...defined({
      jsonSchema,
      tools,
      toolChoice,
      parallelToolCalls,
      idempotencyKey: headers.idempotencyKey || undefined,
      sessionKey: typeof body.user === 'string' && body.user ? body.user : undefined,
      priority,
    }),
  };
  return { request, stream, includeUsage: streamOptions.include_usage === true };
}
