import type { ToolDefinition } from '@slm-fleet/queue';
import { invalidArgument } from './call-failure.js';
import type { FieldNames } from './call-request.js';

/**
 * The shape of a tool's arguments that a specialist is trained on: the argument names and
 * which are required. Frameworks decorate the same schema differently (zod adds `$schema` and
 * `additionalProperties: false`, descriptions vary), so the rest is not compared.
 */
function argumentShape(parameters: Record<string, unknown> | undefined): string {
  const properties = parameters?.['properties'];
  const names = properties && typeof properties === 'object' ? Object.keys(properties).sort() : [];
  const required = Array.isArray(parameters?.['required']) ? [...(parameters['required'] as unknown[])].sort() : [];
  return JSON.stringify({ names, required });
}

/**
 * A task with its own tool set serves only those tools: each tool a call offers must be one
 * of them, with the same arguments (another set of arguments under a known name is another
 * tool, one the specialist was not trained for).
 */
export function checkToolsAgainstTask(
  tools: readonly ToolDefinition[] | undefined,
  taskTools: readonly ToolDefinition[] | undefined,
  task: string,
  names: FieldNames,
): void {
  if (!tools || !taskTools) return;
  tools.forEach((tool, i) => {
    const at = `${names.tools}[${i}].${names.functionPrefix}`;
    const served = taskTools.find((t) => t.function.name === tool.function.name);
    if (!served) {
      throw invalidArgument(
        `${at}name`,
        `task ${task} serves the tools ${taskTools.map((t) => t.function.name).join(', ')}, not "${tool.function.name}"`,
      );
    }
    const offered = argumentShape(tool.function.parameters);
    const expected = argumentShape(served.function.parameters);
    if (offered !== expected) {
      throw invalidArgument(
        `${at}parameters`,
        `differ from the parameters of ${tool.function.name} in task ${task}: arguments ${offered}, expected ${expected}`,
      );
    }
  });
}
