import type { V1Toleration } from '@kubernetes/client-node';
import type { GpuProfile } from './gpu-profile.js';
import { isDnsLabel, isExtendedResourceName, isLabelKey, isLabelValue } from './kubernetes-names.js';

const profileFields = new Set(['name', 'resourceName', 'nodeSelector', 'tolerations']);
const tolerationFields = new Set(['key', 'operator', 'value', 'effect', 'tolerationSeconds']);
const taintEffects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/**
 * Validates GPU profiles from parsed YAML or JSON (the Helm values' `gpuProfiles` list). Errors
 * name the field's path, e.g. "gpuProfiles[1].resourceName is required". Unknown fields are
 * errors too: a misspelt `tolerations` would otherwise leave pods unable to reach their nodes.
 */
export function parseGpuProfiles(input: unknown, path = 'gpuProfiles'): GpuProfile[] {
  if (!Array.isArray(input)) throw new Error(`${path} must be a list of GPU profiles.`);
  const names = new Set<string>();
  return input.map((entry: unknown, index) => {
    const profile = parseProfile(entry, `${path}[${index}]`);
    if (names.has(profile.name)) throw new Error(`${path}[${index}].name "${profile.name}" is defined twice.`);
    names.add(profile.name);
    return profile;
  });
}

function parseProfile(entry: unknown, path: string): GpuProfile {
  const fields = asObject(entry, path, profileFields);
  const name = requiredString(fields, 'name', path);
  if (!isDnsLabel(name))
    throw new Error(`${path}.name must be a lowercase DNS label such as nvidia-l4, got "${name}".`);
  const resourceName = requiredString(fields, 'resourceName', path);
  if (!isExtendedResourceName(resourceName)) {
    throw new Error(
      `${path}.resourceName must be a domain-qualified resource such as nvidia.com/gpu, got "${resourceName}".`,
    );
  }
  const tolerations = fields['tolerations'] ?? [];
  if (!Array.isArray(tolerations)) throw new Error(`${path}.tolerations must be a list.`);
  return {
    name,
    resourceName,
    nodeSelector: parseNodeSelector(fields['nodeSelector'], `${path}.nodeSelector`),
    tolerations: tolerations.map((toleration: unknown, index) =>
      parseToleration(toleration, `${path}.tolerations[${index}]`),
    ),
  };
}

function parseNodeSelector(input: unknown, path: string): Record<string, string> {
  if (input === undefined) throw new Error(`${path} is required: a profile selects its nodes by label.`);
  const entries = Object.entries(asObject(input, path));
  if (entries.length === 0) throw new Error(`${path} needs at least one label: an empty selector matches no node.`);
  const selector: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (!isLabelKey(key)) throw new Error(`${path} has an invalid label key "${key}".`);
    if (typeof value !== 'string') throw new Error(`${path}["${key}"] must be a string.`);
    if (!isLabelValue(value)) throw new Error(`${path}["${key}"] is not a valid label value: "${value}".`);
    selector[key] = value;
  }
  return selector;
}

/** The API server's toleration rules: an empty key needs Exists, Exists takes no value, seconds only for NoExecute. */
function parseToleration(input: unknown, path: string): V1Toleration {
  const fields = asObject(input, path, tolerationFields);
  const key = optionalString(fields, 'key', path);
  const operator = optionalString(fields, 'operator', path);
  const value = optionalString(fields, 'value', path);
  const effect = optionalString(fields, 'effect', path);
  const seconds = fields['tolerationSeconds'];
  if (key !== undefined && key !== '' && !isLabelKey(key))
    throw new Error(`${path}.key "${key}" is not a valid taint key.`);
  if (operator !== undefined && operator !== 'Exists' && operator !== 'Equal') {
    throw new Error(`${path}.operator must be Exists or Equal, got "${operator}".`);
  }
  if ((key === undefined || key === '') && operator !== 'Exists') {
    throw new Error(`${path}.operator must be Exists when the key is empty (it then tolerates every taint).`);
  }
  if (operator === 'Exists' && value !== undefined && value !== '') {
    throw new Error(`${path}.value must be empty with operator Exists.`);
  }
  if (value !== undefined && !isLabelValue(value))
    throw new Error(`${path}.value "${value}" is not a valid taint value.`);
  if (effect !== undefined && effect !== '' && !taintEffects.has(effect)) {
    throw new Error(`${path}.effect must be NoSchedule, PreferNoSchedule or NoExecute, got "${effect}".`);
  }
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
      throw new Error(`${path}.tolerationSeconds must be a whole number.`);
    }
    if (effect !== 'NoExecute') throw new Error(`${path}.tolerationSeconds applies only to effect NoExecute.`);
  }
  return {
    ...(key !== undefined ? { key } : {}),
    ...(operator !== undefined ? { operator } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(effect !== undefined ? { effect } : {}),
    ...(typeof seconds === 'number' ? { tolerationSeconds: seconds } : {}),
  };
}

function asObject(input: unknown, path: string, known?: Set<string>): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error(`${path} must be a mapping.`);
  }
  const fields = input as Record<string, unknown>;
  if (known) {
    const unknown = Object.keys(fields).find((field) => !known.has(field));
    if (unknown !== undefined)
      throw new Error(`${path}.${unknown} is not a known field (expected ${[...known].join(', ')}).`);
  }
  return fields;
}

function requiredString(fields: Record<string, unknown>, field: string, path: string): string {
  const value = fields[field];
  if (value === undefined || value === null || value === '') throw new Error(`${path}.${field} is required.`);
  if (typeof value !== 'string') throw new Error(`${path}.${field} must be a string.`);
  return value;
}

function optionalString(fields: Record<string, unknown>, field: string, path: string): string | undefined {
  const value = fields[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${path}.${field} must be a string.`);
  return value;
}
