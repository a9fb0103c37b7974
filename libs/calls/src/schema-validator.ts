import { Ajv, type ValidateFunction } from 'ajv';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-shapes.js';

/**
 * Compiles JSON Schemas once and keeps them: agents send the same few schemas over and over,
 * and compiling costs far more than validating. Bounded, oldest dropped first.
 */
export class SchemaValidators {
  private readonly ajv = new Ajv({ strict: false, allErrors: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly capacity = 500) {}

  /** Compiles a schema; throws with Ajv's message when it is not a valid JSON Schema. */
  validatorFor(schema: Record<string, unknown>): ValidateFunction {
    if (jsonDepthExceeds(schema, MAX_JSON_DEPTH)) throw new Error(`it nests deeper than ${MAX_JSON_DEPTH} levels`);
    const key = JSON.stringify(schema);
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const validate = this.ajv.compile(schema);
    if (this.compiled.size >= this.capacity) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    this.compiled.set(key, validate);
    return validate;
  }

  /** Why `value` fails `validate`, in one line (Ajv's messages with their paths). */
  describeErrors(validate: ValidateFunction): string {
    return this.ajv.errorsText(validate.errors, { dataVar: 'answer' });
  }
}
