import { invalidArgument } from './call-failure.js';
import type { CallMessage, CallRequest, CallTool, CallToolChoice, FieldNames } from './call-request.js';
import {
  defined,
  isObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  priorityOf,
  type Body,
  checkNesting,
} from './json-shapes.js';
import { checkKnownResponsesFields } from './responses-fields.js';
import { inputMessages } from './responses-input.js';

/** How the Responses API names each field, so an error points at what the caller sent. */
export const RESPONSES_FIELD_NAMES: FieldNames = {
  task: 'model',
  messages: 'input',
  prompt: 'input',
  maxTokens: 'max_output_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  // The Responses API has no stop, seed or penalties; the mapping never sets them.
  stop: 'stop',
  seed: 'seed',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  logprobs: 'include',
  topLogprobs: 'top_logprobs',
  jsonSchema: 'text.format.schema',
  tools: 'tools',
  // Responses tools are flat: {type: "function", name, description, parameters, strict}.
  functionPrefix: '',
  toolChoice: 'tool_choice',
  toolChoiceFunction: 'tool_choice.name',
  parallelToolCalls: 'parallel_tool_calls',
  idempotencyKey: 'Idempotency-Key header',
  sessionKey: 'user',
  priority: 'X-Slm-Priority header',
};

/** The include value that asks for the answer's logprobs. */
export const LOGPROBS_INCLUDE = 'message.output_text.logprobs';

/**
 * include values that ask for more detail on items slm-fleet never produces (built-in tools,
 * images, reasoning): accepted, since there is nothing to include.
 */
const NOTHING_TO_INCLUDE = new Set([
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
]);

/**
 * What a response object repeats of its request, in OpenAI's names and shapes, with OpenAI's
 * defaults for what was left out (a response says which settings produced it).
 */
export interface ResponseSettings {
  instructions: string | null;
  metadata: Body;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  top_logprobs: number;
  text: { format: Body };
  tools: Body[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  user?: string;
  safety_identifier?: string;
  prompt_cache_key?: string;
}

/** A Responses API request mapped to a call. */
export interface ResponsesCall {
  request: CallRequest;
  stream: boolean;
  settings: ResponseSettings;
}

function toolsOf(value: unknown): { tools?: CallTool[]; echo: Body[] } {
  if (value === undefined || value === null) return { echo: [] };
  if (!Array.isArray(value)) throw invalidArgument('tools', 'must be an array of tools');
  const tools = value.map((tool: unknown, i): CallTool => {
    const at = `tools[${i}]`;
    if (!isObject(tool)) throw invalidArgument(at, 'must be an object {type: "function", name, parameters}');
    if (tool.type !== 'function') {
      throw invalidArgument(
        `${at}.type`,
        `only "function" tools are served (slm-fleet runs no built-in tools), got ${JSON.stringify(tool.type)}`,
      );
    }
    if (tool.defer_loading === true) throw invalidArgument(`${at}.defer_loading`, 'tool search is not served');
    const description = optionalString(tool, 'description', at);
    return {
      name: optionalString(tool, 'name', at) ?? '',
      ...(description === undefined ? {} : { description }),
      ...(tool.parameters === undefined || tool.parameters === null ? {} : { parameters: tool.parameters }),
      // The Responses API's default, unlike chat completions': arguments must fit the schema.
      strict: optionalBoolean(tool, 'strict', at) ?? true,
    };
  });
  const echo = tools.map((t) => ({
    type: 'function',
    name: t.name,
    description: t.description ?? null,
    parameters: t.parameters ?? null,
    strict: t.strict,
  }));
  return { tools, echo };
}

function toolChoiceOf(value: unknown): CallToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { mode: value };
  if (isObject(value) && value.type === 'function')
    return { function: optionalString(value, 'name', 'tool_choice') ?? '' };
  const type = isObject(value) ? ` (type ${JSON.stringify(value.type)} is not served)` : '';
  throw invalidArgument('tool_choice', `must be none, auto, required or {type: "function", name}${type}`);
}

/** text.format as a JSON Schema (text), and what the response repeats of it. */
function textOf(value: unknown): { jsonSchema?: string; echo: { format: Body } } {
  const plain = { echo: { format: { type: 'text' } } };
  if (value === undefined || value === null) return plain;
  if (!isObject(value)) throw invalidArgument('text', 'must be an object {format}');
  for (const [field, v] of Object.entries(value)) {
    if (field === 'format' || v === null || v === undefined) continue;
    throw invalidArgument(
      `text.${field}`,
      field === 'verbosity' ? 'is not served' : 'is not a text setting slm-fleet serves',
    );
  }
  const format = value.format;
  if (format === undefined || format === null) return plain;
  if (!isObject(format)) throw invalidArgument('text.format', 'must be an object {type, ...}');
  const echo = { format };
  if (format.type === 'text') return { echo };
  if (format.type === 'json_object') return { jsonSchema: '{"type":"object"}', echo };
  if (format.type === 'json_schema') {
    if (!isObject(format.schema)) throw invalidArgument('text.format.schema', 'must be a JSON Schema object');
    return { jsonSchema: JSON.stringify(format.schema), echo };
  }
  throw invalidArgument('text.format.type', 'must be text, json_object or json_schema');
}

/** include: whether the answer's logprobs are asked for; other values are about items never made. */
function logprobsAsked(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) throw invalidArgument('include', 'must be an array of strings');
  return value
    .map((entry: unknown, i) => {
      if (entry === LOGPROBS_INCLUDE) return true;
      if (typeof entry === 'string' && NOTHING_TO_INCLUDE.has(entry)) return false;
      throw invalidArgument(`include[${i}]`, `${JSON.stringify(entry)} is not served; only "${LOGPROBS_INCLUDE}" is`);
    })
    .some(Boolean);
}

/**
 * Maps an OpenAI Responses API request (`POST /v1/responses`) to a call: `model` is the task,
 * `instructions` a leading system message, `input` the conversation. Stateless: nothing
 * refers to a stored response. Shape errors name the Responses parameter; validateCall with
 * RESPONSES_FIELD_NAMES then checks the values. A parameter slm-fleet does not serve is
 * refused by name, never dropped.
 */
export function responsesCallOf(body: unknown, headers: { idempotencyKey?: string; priority?: string }): ResponsesCall {
  if (!isObject(body)) throw invalidArgument('body', 'must be a JSON object');
  checkKnownResponsesFields(body);
  checkNesting(body);
  if (typeof body.model !== 'string') throw invalidArgument('model', 'is required: the task name, as a string');
  const instructions = optionalString(body, 'instructions', '');
  const system: CallMessage[] = instructions ? [{ role: 'system', content: instructions }] : [];
  const messages = [...system, ...inputMessages(body.input)];
  const stream = optionalBoolean(body, 'stream', '') ?? false;
  const text = textOf(body.text);
  const { tools, echo: toolsEcho } = toolsOf(body.tools);
  const toolChoice = toolChoiceOf(body.tool_choice);
  const parallelToolCalls = optionalBoolean(body, 'parallel_tool_calls', '');
  const logprobs = logprobsAsked(body.include);
  const topLogprobs = optionalNumber(body, 'top_logprobs');
  // Logprobs come back only when include asks for them; alternatives without them would be lost.
  if (topLogprobs && !logprobs) {
    throw invalidArgument(
      'top_logprobs',
      `needs include: ["${LOGPROBS_INCLUDE}"] (logprobs are returned only when included)`,
    );
  }
  const metadata = body.metadata ?? {};
  if (!isObject(metadata)) throw invalidArgument('metadata', 'must be an object of strings');
  const user = optionalString(body, 'user', '');
  const params = defined({
    maxTokens: optionalNumber(body, 'max_output_tokens'),
    temperature: optionalNumber(body, 'temperature'),
    topP: optionalNumber(body, 'top_p'),
    ...(logprobs ? { logprobs: true, topLogprobs } : {}),
  });
  const request: CallRequest = {
    task: body.model,
    messages,
    params,
    ...defined({
      jsonSchema: text.jsonSchema,
      tools,
      toolChoice,
      // Without tools it means nothing (OpenAI's Responses API accepts it so).
      parallelToolCalls: tools ? parallelToolCalls : undefined,
      idempotencyKey: headers.idempotencyKey || undefined,
      sessionKey: user || undefined,
      priority: priorityOf(headers.priority),
    }),
  };
  const settings: ResponseSettings = {
    instructions: instructions ?? null,
    metadata,
    temperature: params.temperature ?? null,
    top_p: params.topP ?? null,
    max_output_tokens: params.maxTokens ?? null,
    top_logprobs: params.topLogprobs ?? 0,
    text: text.echo,
    tools: toolsEcho,
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: parallelToolCalls ?? true,
    ...defined({
      user,
      safety_identifier: typeof body.safety_identifier === 'string' ? body.safety_identifier : undefined,
      prompt_cache_key: typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : undefined,
    }),
  };
  return { request, stream, settings };
}
