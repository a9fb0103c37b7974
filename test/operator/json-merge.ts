// Manifests as patches on a good one: the validation suites change one field at a time.

export type Json = Record<string, unknown>;

/**
 * A copy of `base` with `patch` merged in: objects deeply, anything else replaced. An undefined
 * value stays, so the field is left out when the manifest is serialized.
 */
export function merge(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Json, value as Json)
        : value;
  }
  return out;
}
