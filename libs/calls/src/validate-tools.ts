import type { ToolChoice, ToolDefinition } from '@slm-fleet/queue';
import { invalidArgument } from './call-failure.js';
import type { CallRequest, CallTool, FieldNames } from './call-request.js';
import type { SchemaValidators } from './schema-validator.js';

export const TOOL_LIMITS = {
  /** OpenAI's own limit; a prompt with more tools rarely fits a small model's context anyway. */
  maxTools: 128,
  maxDescriptionLength: 4096,
  maxParametersBytes: 64 * 1024,
} as const;

/** OpenAI's rule for function names. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MODES = new Set(['none', 'auto', 'required']);

/** Where a tool's own fields are, in the caller's naming: `tools[2].function.name`. */
const toolField = (names: FieldNames, index: number, field: string): string =>
  `${names.tools}[${index}].${names.functionPrefix}${field}`;

function parametersOf(
  tool: CallTool,
  field: string,
  validators: SchemaValidators,
): Record<string, unknown> | undefined {
  let schema = tool.parameters;
  if (schema === undefined || schema === '') return undefined;
  if (typeof schema === 'string') {
    if (Buffer.byteLength(schema) > TOOL_LIMITS.maxParametersBytes) {
      throw invalidArgument(field, `is larger than ${TOOL_LIMITS.maxParametersBytes} bytes`);
    }
    try {
      schema = JSON.parse(schema) as unknown;
    } catch (error) {
      throw invalidArgument(field, `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalidArgument(field, 'must be a JSON Schema object');
  }
  try {
    validators.validatorFor(schema as Record<string, unknown>);
  } catch (error) {
    throw invalidArgument(field, `is not a valid JSON Schema: ${(error as Error).message}`);
  }
  return schema as Record<string, unknown>;
}

/** The call's tools in the engines' shape, each checked and its parameters schema compiled. */
export function checkTools(
  request: CallRequest,
  names: FieldNames,
  validators: SchemaValidators,
): ToolDefinition[] | undefined {
  const tools = request.tools;
  if (tools === undefined || tools.length === 0) return undefined;
  if (tools.length > TOOL_LIMITS.maxTools) {
    throw invalidArgument(names.tools, `has ${tools.length} tools; at most ${TOOL_LIMITS.maxTools}`);
  }
  const seen = new Set<string>();
  return tools.map((tool, i) => {
    const nameField = toolField(names, i, 'name');
    if (tool.name === '') throw invalidArgument(nameField, 'is required');
    if (!TOOL_NAME.test(tool.name)) {
      throw invalidArgument(
        nameField,
        `"${tool.name.slice(0, 80)}" is not a function name (1 to 64 letters, digits, _ or -)`,
      );
    }
    if (seen.has(tool.name)) throw invalidArgument(nameField, `"${tool.name}" is given twice; names must be unique`);
    seen.add(tool.name);
    if (tool.description !== undefined && tool.description.length > TOOL_LIMITS.maxDescriptionLength) {
      throw invalidArgument(
        toolField(names, i, 'description'),
        `is longer than ${TOOL_LIMITS.maxDescriptionLength} characters`,
      );
    }
    const parameters = parametersOf(tool, toolField(names, i, 'parameters'), validators);
    return {
      type: 'function' as const,
      function: {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        ...(parameters ? { parameters } : {}),
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    };
  });
}

/** tool_choice in the engines' shape; a named function must be one of the call's tools. */
export function checkToolChoice(
  request: CallRequest,
  tools: ToolDefinition[] | undefined,
  names: FieldNames,
): ToolChoice | undefined {
  const choice = request.toolChoice;
  if (choice === undefined) return undefined;
  if ('mode' in choice) {
    if (!MODES.has(choice.mode)) {
      throw invalidArgument(names.toolChoice, `"${choice.mode.slice(0, 40)}" is not one of none, auto, required`);
    }
    // Without tools, none and auto both mean a text answer: nothing to pass on.
    if (choice.mode !== 'required' && !tools) return undefined;
    if (choice.mode === 'required' && !tools) {
      throw invalidArgument(names.toolChoice, `is required, but the call gives no ${names.tools}`);
    }
    return choice.mode as ToolChoice;
  }
  if (!tools) throw invalidArgument(names.toolChoiceFunction, `names a function, but the call gives no ${names.tools}`);
  if (!tools.some((t) => t.function.name === choice.function)) {
    throw invalidArgument(
      names.toolChoiceFunction,
      `"${choice.function.slice(0, 80)}" is not one of the call's tools (${tools.map((t) => t.function.name).join(', ')})`,
    );
  }
  return { type: 'function', function: { name: choice.function } };
}
