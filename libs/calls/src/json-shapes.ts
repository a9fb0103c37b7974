import { invalidArgument } from './call-failure.js';

// Shape checks for JSON request bodies (the OpenAI-compatible doors): each names the field at
// fault in the caller's own path, e.g. `messages[2].tool_calls[0].function.name`.

export type Body = Record<string, unknown>;

export const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const path = (at: string, field: string): string => (at ? `${at}.${field}` : field);

export function optionalNumber(body: Body, field: string, at = ''): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalidArgument(path(at, field), `must be a number, got ${typeof value}`);
  return value;
}

export function optionalString(body: Body, field: string, at: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(path(at, field), `must be a string, got ${typeof value}`);
  return value;
}

export function optionalBoolean(body: Body, field: string, at: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(path(at, field), 'must be true or false');
  return value;
}

/** Part types that carry text: chat's `text`, and the Responses API's input and output text. */
const TEXT_PARTS = new Set(['text', 'input_text', 'output_text']);

/**
 * Message content: a string, an array of text parts (joined: engines' chat templates take
 * text), or null/absent (null is kept: only an assistant message calling tools may omit it).
 */
export function contentText(value: unknown, at: string): string | null {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw invalidArgument(at, 'must be a string or an array of text parts');
  return value
    .map((part: unknown, p) => {
      if (
        !isObject(part) ||
        typeof part.type !== 'string' ||
        !TEXT_PARTS.has(part.type) ||
        typeof part.text !== 'string'
      ) {
        const type = isObject(part) ? JSON.stringify(part.type) : typeof part;
        throw invalidArgument(`${at}[${p}]`, `only text parts ({type: "text", text}) are served, got ${type}`);
      }
      return part.text;
    })
    .join('');
}

/** The X-Slm-Priority header of the HTTP doors, as a number. */
export function priorityOf(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (!/^-?\d+$/.test(header))
    throw invalidArgument('X-Slm-Priority header', `must be a whole number, got "${header}"`);
  return Number(header);
}

/** Keeps the defined values only, so a CallRequest says exactly what the caller gave. */
export const defined = <T extends object>(values: T): T =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as T;

/**
 * How deep a request body (and a JSON Schema in it) may nest. Real schemas stay far below;
 * thousands of levels overflow the stack of JSON.stringify and Ajv, which answered 500.
 */
export const MAX_JSON_DEPTH = 100;

/** The depth of a JSON value (a scalar is 0), counted without recursion; stops past `limit`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value: next, depth } = top;
    if (typeof next !== 'object' || next === null) continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(next) ? next : Object.values(next))
      stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** Refuses a body whose top-level field nests deeper than MAX_JSON_DEPTH, naming the field. */
export function checkNesting(body: Body): void {
  for (const [field, value] of Object.entries(body)) {
    if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) {
      throw invalidArgument(field, `nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  }
}
