import { CallFailure } from './call-failure.js';
import type { SchemaValidators } from './schema-validator.js';

/**
 * Checks an answer against the JSON Schema the call or task asked for, and returns it parsed.
 * A failure is FAILED_PRECONDITION with reason OUTPUT_SCHEMA_MISMATCH (the fallback to a
 * larger model will hook in here).
 */
export function checkOutput(
  output: string,
  schema: Record<string, unknown>,
  validators: SchemaValidators,
  specialist: string,
): unknown {
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch {
    throw new CallFailure(
      'FAILED_PRECONDITION',
      'OUTPUT_SCHEMA_MISMATCH',
      `the answer of ${specialist} is not JSON, but the call asked for a JSON schema (answer starts: ${JSON.stringify(output.slice(0, 80))})`,
    );
  }
  const validate = validators.validatorFor(schema);
  if (!validate(value)) {
    throw new CallFailure(
      'FAILED_PRECONDITION',
      'OUTPUT_SCHEMA_MISMATCH',
      `the answer of ${specialist} does not satisfy the JSON schema: ${validators.describeErrors(validate)}`,
    );
  }
  return value;
}
