// Strings and numbers that meet their schema's constraints.
import { type SchemaObject, count, finite } from './json-schema.js';
import type { Rng } from './prng.js';
import RandExp from 'randexp';
import { phrase, randomWord } from './words.js';

export function stringInstance(schema: SchemaObject, rng: Rng): string {
  const formatted = formattedString(schema.format, rng);
  if (formatted !== undefined) return formatted;
  if (typeof schema.pattern === 'string') return patternString(schema.pattern, rng);
  const min = count(schema.minLength) ?? 0;
  const max = count(schema.maxLength) ?? Infinity;
  let text = phrase(rng, rng.int(1, 4));
  while (text.length < min) text += ' ' + randomWord(rng);
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return cut.trimEnd().length >= min ? cut.trimEnd() : cut; // no dangling space when allowed
}

/** A string matching a regular expression (JSON Schema patterns are unanchored ECMA regexes). */
function patternString(pattern: string, rng: Rng): string {
  const generator = new RandExp(pattern);
  generator.randInt = (from, to) => rng.int(from, to);
  generator.max = 8; // bounds `*` and `+`, so answers stay short
  return generator.gen();
}

function formattedString(format: unknown, rng: Rng): string | undefined {
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = (): string => `${rng.int(2000, 2030)}-${two(rng.int(1, 12))}-${two(rng.int(1, 28))}`;
  const time = (): string => `${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}Z`;
  switch (format) {
    case 'date':
      return date();
    case 'time':
      return time();
    case 'date-time':
      return `${date()}T${time()}`;
    case 'email':
      return `${randomWord(rng)}.${randomWord(rng)}@example.com`;
    case 'hostname':
      return `${randomWord(rng)}.example.com`;
    case 'uri':
      return `https://example.com/${randomWord(rng)}`;
    case 'ipv4':
      return `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    case 'uuid':
      return uuid(rng);
    default:
      return undefined;
  }
}

/** Shaped like a version-4 UUID, but drawn from the seeded generator. */
function uuid(rng: Rng): string {
  const hex = (digits: number): string => Array.from({ length: digits }, () => rng.int(0, 15).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

export function integerInstance(schema: SchemaObject, rng: Rng): number {
  const multipleOf = finite(schema.multipleOf);
  const step = multipleOf !== undefined && Number.isInteger(multipleOf) && multipleOf > 0 ? multipleOf : 1;
  const { low, high } = bounds(schema);
  const lowest = low === undefined ? undefined : low.exclusive ? Math.floor(low.value) + 1 : Math.ceil(low.value);
  const highest = high === undefined ? undefined : high.exclusive ? Math.ceil(high.value) - 1 : Math.floor(high.value);
  // An open side gets a range of 100 steps, so there is always a multiple to pick.
  const from = lowest ?? (highest === undefined ? 0 : highest - 100 * step);
  const to = highest ?? from + 100 * step;
  const first = Math.ceil(from / step) * step;
  const choices = Math.floor((to - first) / step) + 1;
  if (choices < 1) return first; // the bounds leave no multiple: unsatisfiable, best effort
  return first + step * rng.int(0, Math.min(choices, 1000) - 1);
}

export function numberInstance(schema: SchemaObject, rng: Rng): number {
  const step = finite(schema.multipleOf);
  if (step !== undefined && step > 0) return wholeMultiple(schema, step, rng);
  const { low, high } = bounds(schema);
  const satisfies = (value: number): boolean =>
    (low === undefined || (low.exclusive ? value > low.value : value >= low.value)) &&
    (high === undefined || (high.exclusive ? value < high.value : value <= high.value));
  const hundredths = rng.int(1, 9999) / 100;
  let value: number;
  if (low !== undefined && high !== undefined) value = low.value + ((high.value - low.value) * rng.int(1, 99)) / 100;
  else if (low !== undefined) value = low.value + hundredths;
  else if (high !== undefined) value = high.value - hundredths;
  else value = hundredths;
  const rounded = Math.round(value * 100) / 100;
  if (satisfies(rounded)) return rounded;
  if (satisfies(value)) return value;
  return low?.value ?? high?.value ?? 0; // a single allowed point (minimum = maximum), or unsatisfiable
}

/**
 * A number with a fractional multipleOf: a whole number the step divides, checked the way
 * validators check (the quotient must be an integer), since 0.1 * 3 is not a float multiple
 * of 0.1.
 */
function wholeMultiple(schema: SchemaObject, step: number, rng: Rng): number {
  let value = integerInstance(schema, rng);
  for (let attempt = 0; !Number.isInteger(value / step) && attempt < 20; attempt++)
    value = integerInstance(schema, rng);
  return value;
}

interface Bound {
  value: number;
  exclusive: boolean;
}

/** The tighter of minimum/exclusiveMinimum (and the same above), draft-06+ or draft-04 style. */
function bounds(schema: SchemaObject): { low?: Bound; high?: Bound } {
  const side = (inclusiveKey: string, exclusiveKey: string, tighter: (a: number, b: number) => boolean) => {
    const inclusive = finite(schema[inclusiveKey]);
    const exclusiveValue = finite(schema[exclusiveKey]);
    // Draft-04 writes an exclusive bound as minimum plus exclusiveMinimum: true.
    let bound: Bound | undefined =
      inclusive === undefined ? undefined : { value: inclusive, exclusive: schema[exclusiveKey] === true };
    if (exclusiveValue !== undefined && (bound === undefined || !tighter(bound.value, exclusiveValue))) {
      bound = { value: exclusiveValue, exclusive: true };
    }
    return bound;
  };
  return {
    low: side('minimum', 'exclusiveMinimum', (a, b) => a > b),
    high: side('maximum', 'exclusiveMaximum', (a, b) => a < b),
  };
}
