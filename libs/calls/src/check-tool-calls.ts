import type { ToolCall, ToolChoice, ToolDefinition } from '@slm-fleet/queue';
import { CallFailure } from './call-failure.js';
import type { SchemaValidators } from './schema-validator.js';

/** What the call asked of the model's tool use. */
export interface ToolContract {
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  /** The task asks for every call's arguments to be checked, strict or not. */
  validateArguments: boolean;
}

const violated = (specialist: string, message: string): CallFailure =>
  new CallFailure('FAILED_PRECONDITION', 'TOOL_CHOICE_VIOLATED', `the answer of ${specialist} ${message}`);

const badArguments = (specialist: string, call: ToolCall, why: string): CallFailure =>
  new CallFailure(
    'FAILED_PRECONDITION',
    'TOOL_ARGUMENTS_INVALID',
    `the answer of ${specialist} calls ${call.function.name} with arguments that ${why}`,
  );

function checkChoice(calls: ToolCall[], contract: ToolContract, specialist: string): void {
  const choice = contract.toolChoice;
  if (choice === 'none' && calls.length > 0) throw violated(specialist, 'calls a tool, but tool_choice is none');
  if (choice === 'required' && calls.length === 0) {
    throw violated(specialist, 'calls no tool, but tool_choice is required');
  }
  if (typeof choice === 'object') {
    const wanted = choice.function.name;
    if (calls.length === 0 || calls.some((c) => c.function.name !== wanted)) {
      throw violated(specialist, `does not call ${wanted} (only), which tool_choice names`);
    }
  }
  if (contract.parallelToolCalls === false && calls.length > 1) {
    throw violated(specialist, `calls ${calls.length} tools, but parallel_tool_calls is false`);
  }
}

function checkArguments(call: ToolCall, tool: ToolDefinition, validators: SchemaValidators, specialist: string): void {
  let value: unknown;
  try {
    value = JSON.parse(call.function.arguments);
  } catch {
    throw badArguments(specialist, call, `are not JSON (${JSON.stringify(call.function.arguments.slice(0, 80))})`);
  }
  const validate = validators.validatorFor(tool.function.parameters ?? { type: 'object' });
  if (!validate(value)) {
    throw badArguments(
      specialist,
      call,
      `do not satisfy its parameters schema: ${validators.describeErrors(validate)}`,
    );
  }
}

/**
 * Checks the model's tool calls against what the call asked: tool_choice honoured, only
 * offered tools called, and the arguments of strict tools (or of every tool, when the task
 * asks) parse and satisfy the tool's parameters schema. A failure is FAILED_PRECONDITION:
 * TOOL_CHOICE_VIOLATED or TOOL_ARGUMENTS_INVALID (the fallback to a larger model hooks in here).
 */
export function checkToolCalls(
  calls: readonly ToolCall[] | undefined,
  contract: ToolContract,
  validators: SchemaValidators,
  specialist: string,
): void {
  const made = [...(calls ?? [])];
  if (!contract.tools) {
    if (made.length > 0) throw violated(specialist, 'calls a tool, but the call offered none');
    return;
  }
  checkChoice(made, contract, specialist);
  for (const call of made) {
    const tool = contract.tools.find((t) => t.function.name === call.function.name);
    if (!tool) throw violated(specialist, `calls ${call.function.name}, which the call did not offer`);
    if (contract.validateArguments || tool.function.strict === true) {
      checkArguments(call, tool, validators, specialist);
    }
  }
}
