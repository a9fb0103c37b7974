// Shadow agreement: does the shadow Specialist's answer agree with the live answer? A pure
// comparison (no I/O, no clock): the router calls it when both answers are in, and counts the
// result per task (metrics, AgentTask status) as the evidence a promotion will need.
//
// - A JSON schema applied (and neither answer calls tools): both outputs are parsed and compared
//   field by field on the schema's top-level `properties` (each field's value deeply: key order
//   irrelevant, numbers by value, so 1 and 1.0 are equal; fields outside the schema ignored).
//   A shadow answer that is not JSON or fails the schema disagrees (`shadowSchemaValid: false`).
// - Tool calls: agree when both call the same functions in the same order with equal arguments
//   (parsed as JSON and compared deeply; arguments that do not parse are compared as strings).
// - One answer calls tools and the other answers text: disagree.
// - Text: agree when exactly equal, or when the normalised similarity reaches a threshold
//   (0.9 by default). See textSimilarity for the normalisation and the measure.

/** A tool call as CallResult carries it (only what the comparison reads). */
export interface ComparableToolCall {
  function: { name: string; arguments: string };
}

/** An answer as CallResult carries it (CallResult itself is one). */
export interface ComparableAnswer {
  output: string;
  toolCalls?: readonly ComparableToolCall[];
  finishReason?: string;
}

/** A tool the call offered, as ToolDefinition carries it (only what the comparison reads). */
export interface ComparableTool {
  function: { name: string; parameters?: Record<string, unknown> };
}

/** Whether `value` satisfies the JSON Schema `schema`. */
export type SchemaCheck = (schema: Record<string, unknown>, value: unknown) => boolean;

/** Anything that compiles a schema into a check: the router's SchemaValidators is one. */
export interface SchemaValidatorSource {
  validatorFor(schema: Record<string, unknown>): (value: unknown) => boolean;
}

export type AgreementKind = 'json' | 'tool_calls' | 'text';

/** Why two answers disagree. */
export type DisagreementReason =
  /** The shadow's output does not parse as JSON, though a schema applied. */
  | 'shadow_not_json'
  /** The shadow's output (or a tool call's arguments) fails the schema. */
  | 'shadow_off_schema'
  /** The live output does not parse as JSON, though a schema applied: nothing to compare with. */
  | 'live_not_json'
  /** Some schema fields differ. */
  | 'fields_differ'
  /** One answer calls tools, the other answers text. */
  | 'tool_calls_vs_text'
  /** Both call tools, but not the same functions in the same order with equal arguments. */
  | 'tool_calls_differ'
  /** The texts differ, and their similarity is under the threshold. */
  | 'text_differs';

export interface FieldComparison {
  /** Fields compared: the schema's top-level properties; for tool calls, call positions. */
  compared: number;
  equal: number;
  /** The differing fields' names (`$` for the whole value, `calls[i]` for a tool call position). */
  differing: string[];
}

export interface AnswerAgreement {
  agree: boolean;
  kind: AgreementKind;
  /** Set when agree is false. */
  reason?: DisagreementReason;
  /** json and tool_calls: what was compared (absent when the shadow's output could not be compared). */
  fields?: FieldComparison;
  /** text: the two outputs are exactly equal. */
  exact?: boolean;
  /** text: the normalised similarity, in [0, 1]. */
  similarity?: number;
  /**
   * Whether the shadow's answer satisfies the schema that applied: always set on json (parses
   * and satisfies the schema); on tool_calls when `tools` were given (every call names an
   * offered tool and its arguments parse and satisfy its parameters). Absent otherwise.
   */
  shadowSchemaValid?: boolean;
}

export interface CompareAnswersInput {
  live: ComparableAnswer;
  shadow: ComparableAnswer;
  /** The JSON Schema the answer had to satisfy (the call's or the task's), if any. */
  jsonSchema?: Record<string, unknown>;
  /**
   * The tools the call offered. When given, the shadow's tool calls are checked against them
   * too (see AnswerAgreement.shadowSchemaValid), and a shadow failing the check disagrees.
   */
  tools?: readonly ComparableTool[];
  /** Checks a value against a schema (a SchemaCheck, or SchemaValidators). A check that throws counts as a failure. */
  validator: SchemaCheck | SchemaValidatorSource;
  /** Texts agree at or above this normalised similarity (0..1). Default 0.9. */
  similarityThreshold?: number;
}

export const DEFAULT_SIMILARITY_THRESHOLD = 0.9;

/** Compares a live answer with its shadow answer. */
export function compareAnswers(input: CompareAnswersInput): AnswerAgreement {
  const threshold = input.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`similarityThreshold must be in [0, 1], got ${threshold}`);
  }
  const check = schemaCheckOf(input.validator);
  const liveCalls = input.live.toolCalls ?? [];
  const shadowCalls = input.shadow.toolCalls ?? [];
  if (liveCalls.length > 0 || shadowCalls.length > 0) {
    if (liveCalls.length === 0 || shadowCalls.length === 0) {
      return { agree: false, kind: 'tool_calls', reason: 'tool_calls_vs_text' };
    }
    return compareToolCalls(liveCalls, shadowCalls, input.tools, check);
  }
  if (input.jsonSchema !== undefined) {
    return compareJson(input.live.output, input.shadow.output, input.jsonSchema, check);
  }
  return compareText(input.live.output, input.shadow.output, threshold);
}

/** A SchemaCheck from either form of validator; a check that throws (a schema that does not compile) fails. */
export function schemaCheckOf(validator: SchemaCheck | SchemaValidatorSource): SchemaCheck {
  const check: SchemaCheck =
    typeof validator === 'function' ? validator : (schema, value) => validator.validatorFor(schema)(value);
  return (schema, value) => {
    try {
      return check(schema, value) === true;
    } catch {
      return false;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// JSON

type Parsed = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality of JSON values: key order irrelevant, numbers by value, array order kept. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** A field of a parsed answer: undefined when absent (own properties only: never `constructor` from the prototype). */
const fieldOf = (value: unknown, name: string): unknown =>
  isPlainObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;

/**
 * The fields compared: the schema's top-level `properties`. A schema without them (an array,
 * a string, a bare `{type: 'object'}`) is compared as one field, `$`, the whole value.
 */
function schemaFields(schema: Record<string, unknown>): string[] | undefined {
  const properties = schema['properties'];
  return isPlainObject(properties) ? Object.keys(properties) : undefined;
}

function compareJson(
  liveOutput: string,
  shadowOutput: string,
  schema: Record<string, unknown>,
  check: SchemaCheck,
): AnswerAgreement {
  const shadow = parseJson(shadowOutput);
  if (!shadow.ok) return { agree: false, kind: 'json', reason: 'shadow_not_json', shadowSchemaValid: false };
  if (!check(schema, shadow.value)) {
    return { agree: false, kind: 'json', reason: 'shadow_off_schema', shadowSchemaValid: false };
  }
  const live = parseJson(liveOutput);
  if (!live.ok) return { agree: false, kind: 'json', reason: 'live_not_json', shadowSchemaValid: true };

  const names = schemaFields(schema);
  const differing =
    names === undefined
      ? jsonEqual(live.value, shadow.value)
        ? []
        : ['$']
      : names.filter((name) => !jsonEqual(fieldOf(live.value, name), fieldOf(shadow.value, name)));
  const compared = names?.length ?? 1;
  const fields: FieldComparison = { compared, equal: compared - differing.length, differing };
  return differing.length === 0
    ? { agree: true, kind: 'json', fields, shadowSchemaValid: true }
    : { agree: false, kind: 'json', reason: 'fields_differ', fields, shadowSchemaValid: true };
}

// ---------------------------------------------------------------------------------------------
// Tool calls

/** Arguments as JSON when they parse (empty arguments are `{}`, as some engines send them), else the raw string. */
function parseArguments(text: string): Parsed {
  return text.trim() === '' ? { ok: true, value: {} } : parseJson(text);
}

function argumentsEqual(a: string, b: string): boolean {
  const pa = parseArguments(a);
  const pb = parseArguments(b);
  if (pa.ok && pb.ok) return jsonEqual(pa.value, pb.value);
  return a === b;
}

function toolCallsValid(calls: readonly ComparableToolCall[], tools: readonly ComparableTool[], check: SchemaCheck) {
  return calls.every((call) => {
    const tool = tools.find((t) => t.function.name === call.function.name);
    const args = parseArguments(call.function.arguments);
    return tool !== undefined && args.ok && check(tool.function.parameters ?? { type: 'object' }, args.value);
  });
}

function compareToolCalls(
  live: readonly ComparableToolCall[],
  shadow: readonly ComparableToolCall[],
  tools: readonly ComparableTool[] | undefined,
  check: SchemaCheck,
): AnswerAgreement {
  const compared = Math.max(live.length, shadow.length);
  const differing: string[] = [];
  for (let i = 0; i < compared; i++) {
    const a = live[i];
    const b = shadow[i];
    const equal =
      a !== undefined &&
      b !== undefined &&
      a.function.name === b.function.name &&
      argumentsEqual(a.function.arguments, b.function.arguments);
    if (!equal) differing.push(`calls[${i}]`);
  }
  const fields: FieldComparison = { compared, equal: compared - differing.length, differing };
  const valid = tools === undefined ? undefined : toolCallsValid(shadow, tools, check);
  const schema = valid === undefined ? {} : { shadowSchemaValid: valid };
  if (valid === false) return { agree: false, kind: 'tool_calls', reason: 'shadow_off_schema', fields, ...schema };
  return differing.length === 0
    ? { agree: true, kind: 'tool_calls', fields, ...schema }
    : { agree: false, kind: 'tool_calls', reason: 'tool_calls_differ', fields, ...schema };
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * The words of a text, normalised: Unicode NFKC (full-width and compatibility forms folded),
 * lower case, apostrophes dropped (so "don't" and "dont" are one word), other punctuation as
 * spaces, whitespace collapsed.
 */
export function normaliseWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['\u2018\u2019\u02bc]/gu, '')
    .replace(/\p{P}+/gu, ' ')
    .split(/\s+/u)
    .filter((word) => word !== '');
}

/** Above this many cells (words × words), the word edit distance gives way to the bag distance. */
const MAX_EDIT_DISTANCE_CELLS = 4_000_000;

/**
 * How similar two texts are, in [0, 1]: 1 - (word-level Levenshtein distance / the longer
 * text's word count), on the normalised words (see normaliseWords). Two empty texts are 1.
 *
 * Why this measure: it is order-sensitive ("the dog bit the man" and "the man bit the dog" are
 * not the same answer, which a bag-of-words Jaccard would call equal) and reads directly as
 * "the share of words one must change", so the 0.9 default means at most one word in ten
 * inserted, deleted or replaced. Words rather than characters, so one different word costs
 * the same however long it is.
 *
 * Cost: the common prefix and suffix are cut first (near-equal answers are mostly that); when
 * what remains is still over 4 M cells (two answers of about 2,000 differing words), the bag
 * distance (the larger of the two multiset differences, a lower bound of the edit distance)
 * stands in for it, so the similarity of such long texts is an upper bound.
 */
export function textSimilarity(a: string, b: string): number {
  return wordSimilarity(normaliseWords(a), normaliseWords(b));
}

function wordSimilarity(a: readonly string[], b: readonly string[]): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return (longest - wordDistance(a, b)) / longest;
}

function wordDistance(a: readonly string[], b: readonly string[]): number {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length === 0 || y.length === 0) return Math.max(x.length, y.length);
  if (x.length * y.length > MAX_EDIT_DISTANCE_CELLS) return bagDistance(x, y);
  return levenshtein(x, y);
}

function levenshtein(x: readonly string[], y: readonly string[]): number {
  // Words as numbers, so the inner loop compares integers; two rows of the table.
  const ids = new Map<string, number>();
  const idOf = (word: string): number => {
    let id = ids.get(word);
    if (id === undefined) {
      id = ids.size;
      ids.set(word, id);
    }
    return id;
  };
  const xs = Int32Array.from(x, idOf);
  const ys = Int32Array.from(y, idOf);
  let previous = new Int32Array(ys.length + 1).map((_, j) => j);
  let current = new Int32Array(ys.length + 1);
  for (let i = 1; i <= xs.length; i++) {
    current[0] = i;
    const xi = xs[i - 1];
    for (let j = 1; j <= ys.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (xi === ys[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current[j] = Math.min(substitution, deletion, insertion);
    }
    [previous, current] = [current, previous];
  }
  return previous[ys.length] ?? 0;
}

function bagDistance(x: readonly string[], y: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const word of x) counts.set(word, (counts.get(word) ?? 0) + 1);
  let onlyInY = 0;
  for (const word of y) {
    const count = counts.get(word) ?? 0;
    if (count > 0) counts.set(word, count - 1);
    else onlyInY++;
  }
  let onlyInX = 0;
  for (const count of counts.values()) onlyInX += count;
  return Math.max(onlyInX, onlyInY);
}

function compareText(live: string, shadow: string, threshold: number): AnswerAgreement {
  const exact = live === shadow;
  const similarity = exact ? 1 : textSimilarity(live, shadow);
  return exact || similarity >= threshold
    ? { agree: true, kind: 'text', exact, similarity }
    : { agree: false, kind: 'text', reason: 'text_differs', exact, similarity };
}
