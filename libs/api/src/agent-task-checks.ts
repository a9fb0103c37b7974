// What the API server cannot check in an AgentTask: its JSON Schemas (output.jsonSchema and
// each tool's parameters) are free-form objects to it. The operator compiles them as the router
// will, and says in status which one is not a JSON Schema, instead of reporting Ready.
import { Ajv, type ErrorObject } from 'ajv';
import type { AgentTask, AgentTaskSpec, AgentTaskStatus } from './agent-task.js';
import { setCondition } from './conditions.js';

/** The reason of Ready=False for a spec the API server accepted but that cannot be used. */
export const INVALID_SPEC = 'InvalidSpec';

/**
 * Why a schema of the task cannot be compiled, naming the field (`spec.output.jsonSchema.type:
 * ...`), or undefined when every one compiles. Ajv with the router's options (libs/calls): what
 * fails here fails there on every call that uses the task.
 */
export function agentTaskSpecError(spec: AgentTaskSpec): string | undefined {
  const schemas: [string, unknown][] = [
    ...(spec.output?.jsonSchema !== undefined
      ? [['spec.output.jsonSchema', spec.output.jsonSchema] as [string, unknown]]
      : []),
    ...(spec.tools ?? []).flatMap((tool, index): [string, unknown][] =>
      tool.parameters !== undefined ? [[`spec.tools[${index}].parameters`, tool.parameters]] : [],
    ),
  ];
  for (const [field, schema] of schemas) {
    const error = schemaError(field, schema);
    if (error !== undefined) return error;
  }
  return undefined;
}

function schemaError(field: string, schema: unknown): string | undefined {
  // A fresh instance each time: two schemas with one $id would otherwise clash.
  const ajv = new Ajv({ strict: false, allErrors: false });
  try {
    if (!ajv.validateSchema(schema as object)) {
      const [first] = ajv.errors ?? [];
      return `${field} is not a valid JSON Schema: ${first ? describe(field, first) : 'the meta-schema refuses it'}`;
    }
    ajv.compile(schema as object);
    return undefined;
  } catch (error) {
    // Unresolvable $ref, an unknown draft, or a schema nested too deep to compile.
    return `${field} is not a usable JSON Schema: ${(error as Error).message}`;
  }
}

/** `spec.output.jsonSchema.properties.id.type: must be one of array, boolean, ... (got "strin")` */
function describe(field: string, error: ErrorObject): string {
  const at = `${field}${error.instancePath
    .split('/')
    .slice(1)
    .map((part) => `.${part.replaceAll('~1', '/').replaceAll('~0', '~')}`)
    .join('')}`;
  const allowed = error.params['allowedValues'] as unknown[] | undefined;
  const message = allowed ? `must be one of ${allowed.join(', ')}` : (error.message ?? 'is not valid');
  return `${at} ${message}`;
}

/**
 * The task's status with Ready=False, InvalidSpec and `message`, over the routing view. The
 * condition is set against the stored conditions, so its transition time holds across reconciles.
 */
export function withInvalidSpec(
  task: AgentTask,
  status: AgentTaskStatus,
  message: string,
  now: string,
): AgentTaskStatus {
  const generation = task.metadata.generation;
  return {
    ...status,
    conditions: setCondition(
      task.status?.conditions ?? [],
      {
        type: 'Ready',
        status: 'False',
        reason: INVALID_SPEC,
        message,
        ...(generation === undefined ? {} : { observedGeneration: generation }),
      },
      now,
    ),
  };
}
