// The tool parameters of a chat request: tools, tool_choice and parallel_tool_calls.
import type { JsonSchema } from './json-schema.js';
import { invalid, isRecord, optionalBoolean, requiredString } from './request-checks.js';

/** A function the model may call. */
export interface ToolSpec {
  name: string;
  /** The JSON Schema of its arguments; `{type: "object"}` when the tool declares none. */
  parameters: JsonSchema;
  /** Its place in `tools`, to name it in errors. */
  index: number;
}

/** tool_choice: a named function is `{ name }`. */
export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

export interface ToolOptions {
  tools: ToolSpec[];
  /** As given; else "auto" with tools and "none" without, as at OpenAI. */
  toolChoice: ToolChoice;
  /** parallel_tool_calls, true unless false. */
  parallelToolCalls: boolean;
  /** Characters of the tools' JSON text: an engine's chat template puts them in the prompt. */
  chars: number;
}

// OpenAI's rule for function names; it also keeps them safe to put in a regular expression.
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Reads the tool parameters of a request body; throws ApiError 400 naming the bad field. */
export function parseToolOptions(body: Record<string, unknown>): ToolOptions {
  const tools = parseTools(body.tools);
  const parallelToolCalls = optionalBoolean(body.parallel_tool_calls, 'parallel_tool_calls') ?? true;
  const toolChoice = parseToolChoice(body.tool_choice, tools);
  return { tools, toolChoice, parallelToolCalls, chars: tools.length === 0 ? 0 : JSON.stringify(body.tools).length };
}

function parseTools(tools: unknown): ToolSpec[] {
  if (tools == null) return [];
  if (!Array.isArray(tools)) throw invalid('tools must be an array of tools', 'tools');
  const names = new Set<string>();
  return tools.map((tool: unknown, index): ToolSpec => {
    const at = `tools[${index}]`;
    if (!isRecord(tool)) throw invalid(`${at} must be an object`, at);
    if (tool.type !== 'function') throw invalid(`${at}.type must be 'function'`, `${at}.type`);
    const fn = tool.function;
    if (!isRecord(fn)) throw invalid(`${at}.function must be an object`, `${at}.function`);
    const { name, description, parameters } = fn;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw invalid(`${at}.function.name must be 1 to 64 of a-z, A-Z, 0-9, _ and -`, `${at}.function.name`);
    }
    if (names.has(name)) throw invalid(`${at}.function.name: two tools are named ${name}`, `${at}.function.name`);
    names.add(name);
    if (description != null && typeof description !== 'string') {
      throw invalid(`${at}.function.description must be a string`, `${at}.function.description`);
    }
    optionalBoolean(fn.strict, `${at}.function.strict`);
    return { name, parameters: parseParameters(parameters, `${at}.function.parameters`), index };
  });
}

/** Arguments are an object, so the schema is an object schema; one without a type becomes one. */
function parseParameters(parameters: unknown, param: string): JsonSchema {
  if (parameters == null) return { type: 'object' };
  if (!isRecord(parameters)) throw invalid(`${param} must be a JSON Schema object`, param);
  if (parameters.type === undefined) return { ...parameters, type: 'object' };
  if (parameters.type !== 'object') throw invalid(`${param} must have type "object"`, param);
  return parameters;
}

function parseToolChoice(choice: unknown, tools: ToolSpec[]): ToolChoice {
  if (choice == null) return tools.length === 0 ? 'none' : 'auto';
  if (choice === 'none') return choice;
  if (choice !== 'auto' && choice !== 'required' && !isRecord(choice)) {
    throw invalid(
      "tool_choice must be 'none', 'auto', 'required' or {type: 'function', function: {name}}",
      'tool_choice',
    );
  }
  if (tools.length === 0) throw invalid(`tool_choice ${JSON.stringify(choice)} needs tools`, 'tool_choice');
  if (!isRecord(choice)) return choice;
  if (choice.type !== 'function') throw invalid("tool_choice.type must be 'function'", 'tool_choice.type');
  if (!isRecord(choice.function)) throw invalid('tool_choice.function must be an object', 'tool_choice.function');
  const name = requiredString(choice.function.name, 'tool_choice.function.name');
  if (!tools.some((tool) => tool.name === name)) {
    throw invalid(`tool_choice names ${name}, which is not in tools`, 'tool_choice.function.name');
  }
  return { name };
}
