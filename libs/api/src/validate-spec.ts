// Checks a spec read from a file (local mode) against the same schema the CRDs are built from,
// with the CRD's defaults filled in. The CEL rules of the CRDs are not evaluated here, but a
// pattern they repeat is refused with the rule's message, as the API server would say it.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { AgentTaskSpec } from './agent-task.js';
import { matchesRule, type CelRule } from './schema-helpers.js';
import { SpecialistSpec } from './specialist.js';

export type SpecValidation<T> = { spec: T; errors?: undefined } | { spec?: undefined; errors: string[] };

interface Validators {
  specialist: ValidateFunction<SpecialistSpec>;
  agentTask: ValidateFunction<AgentTaskSpec>;
}

let compiled: Validators | undefined;

/**
 * Compiled on the first call, not at import: every importer of @slm-fleet/api loads this
 * module, and only local mode validates. strict: false lets the Kubernetes extensions
 * (x-kubernetes-*) through; useDefaults fills in what the API server's defaulting would.
 */
function validators(): Validators {
  if (!compiled) {
    // verbose: errors carry their schema, where a pattern's readable message is.
    const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true, verbose: true });
    compiled = {
      specialist: ajv.compile<SpecialistSpec>(SpecialistSpec),
      agentTask: ajv.compile<AgentTaskSpec>(AgentTaskSpec),
    };
  }
  return compiled;
}

export function validateSpecialistSpec(input: unknown): SpecValidation<SpecialistSpec> {
  return validate(validators().specialist, input);
}

export function validateAgentTaskSpec(input: unknown): SpecValidation<AgentTaskSpec> {
  return validate(validators().agentTask, input);
}

/** Errors name the field as `spec.a.b` (from ajv's JSON pointer), as kubectl would. */
function validate<T>(validator: ValidateFunction<T>, input: unknown): SpecValidation<T> {
  const spec = structuredClone(input ?? {});
  if (validator(spec)) return { spec };
  const errors = (validator.errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? `.${String(error.params['missingProperty'])}` : '';
    return `spec${error.instancePath.replaceAll('/', '.')}${missing}: ${readableMessage(error)}`;
  });
  return { errors: [...new Set(errors)].slice(0, 5) };
}

/** A pattern's error in the words of the CEL rule that repeats it (schema-helpers' `matching`). */
function readableMessage(error: ErrorObject): string {
  if (error.keyword === 'pattern') {
    const pattern = String(error.params['pattern']);
    const rules = ((error.parentSchema as Record<string, unknown> | undefined)?.['x-kubernetes-validations'] ??
      []) as CelRule[];
    const rule = rules.find((r) => r.rule.includes(matchesRule(pattern)));
    if (rule) return rule.message;
  }
  return error.message ?? 'is not valid';
}
