// Shortest expected first, with aging: the order of calls within one task priority level.
//
// A call's BullMQ priority is its task priority level first and, within the level, a class of
// its expected answer length (libs/queue's bullPriority), so a worker slot that frees takes the
// shortest expected call of the highest level waiting: a 5-token answer no longer waits behind
// a 2000-token one. The order is fixed when the call is queued (a BullMQ priority), not a
// custom queue: workers keep BullMQ's atomic take, and the router adds no Redis command per call.
//
// A long call is never starved: a call above the level's shortest class is promoted (one
// changePriority) to the level's class 0 once it has waited `promote.afterMs`, a multiple of its
// own expected service time. Class 0 holds only promoted calls, first promoted first, so the
// promoted call runs after the few promoted before it, ahead of every later short call: its
// extra wait from being overtaken is about afterMs plus one completion.
//
// Pure: the router feeds it what it observed of recent answers (AnswerSizes in apps/router).
import { NEUTRAL_SIZE_CLASS, SIZE_CLASSES, bullPriority } from '@slm-fleet/queue';

/** Classes per doubling of the expected length: lengths within about 19 % of each other share a class (FIFO). */
export const CLASSES_PER_DOUBLING = 4;
/** The longest answer a call may ask for (libs/calls' CALL_LIMITS.maxTokens, 2^15): the last class. */
export const MAX_EXPECTED_TOKENS = 32_768;
/** The class promoted calls go to: no call is queued in it, so a promoted call is next in its level. */
export const PROMOTED_CLASS = 0;
/**
 * The quantile of a task's answer lengths taken as a call's expected length. High, not the
 * median: a call predicted short that runs long holds a worker slot while the short calls
 * behind it wait (the cost shortest-first exists to avoid), while a call predicted long that
 * is short only waits a little longer, bounded by aging.
 */
export const LENGTH_QUANTILE = 0.9;
/** Fewer answers than this give no 90th percentile worth the name; the mean stands in until then. */
export const MIN_LENGTH_SAMPLES = 5;
/** Fewer (tokens, ms) points than this fit no line: the mean ms per token stands in. */
export const MIN_FIT_POINTS = 3;
/**
 * A call is promoted after waiting this many times its own expected service: each call is
 * overtaken for at most about twice its own length, the same relative delay for every size,
 * so long calls give up a little (in proportion) and short ones gain a lot.
 */
export const PROMOTE_AFTER_SERVICES = 2;
/**
 * Never promote before a call has waited this long. Below it promotion would churn: every call
 * of a backlog would be moved (a Redis command each) and the order would fall back to FIFO;
 * and a second is within what an interactive caller tolerates.
 */
export const MIN_PROMOTE_AFTER_MS = 1000;
/**
 * Never later than this (the default task timeout), however long the call is expected to take:
 * the bound on a long call's extra wait stays one a caller can live with.
 */
export const MAX_PROMOTE_AFTER_MS = 30_000;
/**
 * Without an expected service time (no answer of the Specialist seen yet, or no usable fit):
 * a fixed wait, long enough for a backlog of short calls to pass first, well within the
 * default 30 s task timeout.
 */
export const UNKNOWN_SERVICE_PROMOTE_AFTER_MS = 5000;
/** Promoted by half the time to its deadline at the latest: the other half is for its service. */
export const PROMOTE_BY_DEADLINE_SHARE = 0.5;

/** One recent answer of a task on a Specialist. */
export interface AnswerLength {
  /** Output tokens (usage.completionTokens). */
  tokens: number;
  /** Whether the answer ended by itself (finish reason not `length`), not cut at max_tokens. */
  natural: boolean;
}

/** What a task's recent answers say about the next one's length. */
export interface AnswerLengthStats {
  /**
   * The LENGTH_QUANTILE of the answer lengths had max_tokens cut none (Kaplan-Meier): undefined
   * with too few answers, or when too many were cut to know it.
   */
  tailTokens?: number;
  /** The mean length of all recent answers, cut ones at their length. */
  meanTokens?: number;
}

/** The generation parameters that bound an answer's length. */
export interface LengthParams {
  max_tokens?: number | undefined;
  max_completion_tokens?: number | undefined;
}

/** A Specialist's service time against answer length: fixedMs + perTokenMs * tokens. */
export interface ServiceFit {
  fixedMs: number;
  perTokenMs: number;
  /** The mean service of the points: a call of unknown length is taken as an average one. */
  meanServiceMs: number;
}

export interface QueueOrderInput {
  /** The call's task priority, -1000..1000 (clamped; NaN counts as 0). */
  taskPriority: number;
  params: LengthParams;
  /** The task's recent answers on this Specialist (answerLengthStats). */
  lengths?: AnswerLengthStats | undefined;
  /** The Specialist's service fit (fitServiceTimes). */
  service?: ServiceFit | undefined;
  /** Ms left to the call's deadline. */
  budgetMs?: number | undefined;
}

export interface QueueOrder {
  /** Expected output tokens; undefined when nothing predicts them (neutral class). */
  expectedTokens: number | undefined;
  /** Expected service ms on the Specialist; undefined without a fit. */
  expectedServiceMs: number | undefined;
  sizeClass: number;
  bullPriority: number;
  /** For a class above the shortest: after waiting afterMs, the call moves to this priority. */
  promote?: { afterMs: number; bullPriority: number };
}

/** Where a call goes in its Specialist's queue, and when it is promoted. */
export function queueOrder(input: QueueOrderInput): QueueOrder {
  const expectedTokens = expectedOutputTokens(input.params, input.lengths);
  const expectedServiceMs = expectedServiceTime(expectedTokens, input.service);
  const sizeClass = sizeClassOf(expectedTokens);
  const order: QueueOrder = {
    expectedTokens,
    expectedServiceMs,
    sizeClass,
    bullPriority: bullPriority(input.taskPriority, sizeClass),
  };
  if (sizeClass <= PROMOTED_CLASS + 1) return order; // already the level's shortest class
  return {
    ...order,
    promote: {
      afterMs: promoteAfterMs(expectedServiceMs, input.budgetMs),
      bullPriority: bullPriority(input.taskPriority, PROMOTED_CLASS),
    },
  };
}

/**
 * A call's expected output tokens:
 * - the task's answer lengths known (tailTokens): their 90th percentile, cut at the call's
 *   max_tokens (max_completion_tokens first, as engines read them);
 * - else the call's max_tokens;
 * - else the mean length of the task's answers;
 * - else undefined: nothing predicts it, and the call takes the neutral class.
 * Improvement on the suggested "p90 of the answers that ended by themselves": answers cut at
 * max_tokens are the long ones, so dropping them biases the estimate short (a task whose
 * answers mostly hit the limit would look short from its few that did not). They count as
 * censored instead (Kaplan-Meier): at least that long. When too many are cut to know the
 * quantile, the call's own max_tokens is the estimate.
 */
export function expectedOutputTokens(params: LengthParams, lengths?: AnswerLengthStats): number | undefined {
  const maxTokens = positive(params.max_completion_tokens) ?? positive(params.max_tokens);
  const tail = nonNegative(lengths?.tailTokens);
  const expected =
    tail !== undefined ? Math.min(maxTokens ?? Infinity, tail) : (maxTokens ?? nonNegative(lengths?.meanTokens));
  return expected === undefined ? undefined : Math.min(MAX_EXPECTED_TOKENS, expected);
}

/**
 * The class of an expected length within its level: 1 + 4 * log2(tokens), 1 to 61 for 1 to
 * 32768 tokens (clamped); the neutral middle class when unknown, so calls of a task nothing is
 * known of are neither favoured nor starved.
 */
export function sizeClassOf(expectedTokens: number | undefined): number {
  const tokens = nonNegative(expectedTokens);
  if (tokens === undefined) return NEUTRAL_SIZE_CLASS;
  const clamped = Math.max(1, Math.min(MAX_EXPECTED_TOKENS, tokens));
  const sizeClass = PROMOTED_CLASS + 1 + Math.floor(CLASSES_PER_DOUBLING * Math.log2(clamped));
  return Math.min(SIZE_CLASSES - 1, sizeClass);
}

/** Expected service ms of an answer of `tokens` (the mean service when its length is unknown). */
export function expectedServiceTime(tokens: number | undefined, fit: ServiceFit | undefined): number | undefined {
  if (!fit) return undefined;
  const known = nonNegative(tokens);
  const ms = known === undefined ? fit.meanServiceMs : fit.fixedMs + fit.perTokenMs * known;
  return nonNegative(ms);
}

/**
 * How long a call waits before promotion: PROMOTE_AFTER_SERVICES times its expected service,
 * within MIN_ and MAX_PROMOTE_AFTER_MS (UNKNOWN_SERVICE_PROMOTE_AFTER_MS without one), and by
 * half the time to its deadline at the latest, which wins over the floor.
 */
export function promoteAfterMs(expectedServiceMs: number | undefined, budgetMs?: number): number {
  const service = nonNegative(expectedServiceMs);
  const wait =
    service === undefined
      ? UNKNOWN_SERVICE_PROMOTE_AFTER_MS
      : Math.max(MIN_PROMOTE_AFTER_MS, Math.min(MAX_PROMOTE_AFTER_MS, PROMOTE_AFTER_SERVICES * service));
  const budget = budgetMs === undefined || Number.isNaN(budgetMs) ? Infinity : Math.max(0, budgetMs);
  return Math.round(Math.min(wait, PROMOTE_BY_DEADLINE_SHARE * budget));
}

/**
 * The stats of a task's recent answer lengths: the LENGTH_QUANTILE of the lengths uncut by
 * max_tokens (Kaplan-Meier, with cut answers as censored: at least their length), from
 * MIN_LENGTH_SAMPLES answers on; and the plain mean of all lengths.
 */
export function answerLengthStats(answers: readonly AnswerLength[]): AnswerLengthStats {
  const valid = answers.filter((a) => nonNegative(a.tokens) !== undefined);
  if (valid.length === 0) return {};
  const meanTokens = valid.reduce((sum, a) => sum + a.tokens, 0) / valid.length;
  const tailTokens = valid.length >= MIN_LENGTH_SAMPLES ? uncutLengthQuantile(valid, LENGTH_QUANTILE) : undefined;
  return { meanTokens, ...(tailTokens === undefined ? {} : { tailTokens }) };
}

/**
 * The q-quantile of answer lengths had max_tokens cut none, by the Kaplan-Meier estimator:
 * the smallest natural length t with P(length <= t) >= q. Undefined when no answer ended by
 * itself, or when more than 1 - q of the answers are estimated to run beyond every natural
 * end seen (too many cut to know). Without cut answers it is the plain empirical quantile.
 */
export function uncutLengthQuantile(answers: readonly AnswerLength[], q: number): number | undefined {
  const sorted = [...answers].sort((a, b) => a.tokens - b.tokens);
  let atRisk = sorted.length;
  let survival = 1;
  let ended = 0;
  let seen = 0;
  for (const [i, answer] of sorted.entries()) {
    if (answer.natural) ended++;
    seen++;
    // All answers of one length together; a cut one of that length counts as at risk there.
    if (sorted[i + 1]?.tokens === answer.tokens) continue;
    if (ended > 0) {
      survival *= 1 - ended / atRisk;
      if (survival <= 1 - q + 1e-9) return answer.tokens;
    }
    atRisk -= seen;
    ended = 0;
    seen = 0;
  }
  return undefined;
}

/** A recent answer's service: its output tokens and the worker's service ms. */
export interface ServicePoint {
  tokens: number;
  serviceMs: number;
}

/**
 * Least squares of service ms on output tokens over recent answers. Guards: fewer than
 * MIN_FIT_POINTS points, all of one length (no variance), or a slope not above 0 (noise: a
 * longer answer never takes less) fall back to the mean ms per token through 0 (all answers'
 * ms over all their tokens); a negative intercept refits through 0. Undefined without points,
 * or when no answer had a token (nothing relates time to length). The prompt's length is left
 * out: its prefill is small beside decoding, and the intercept takes its average.
 */
export function fitServiceTimes(points: readonly ServicePoint[]): ServiceFit | undefined {
  const valid = points.filter((p) => nonNegative(p.tokens) !== undefined && nonNegative(p.serviceMs) !== undefined);
  const n = valid.length;
  if (n === 0) return undefined;
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  for (const { tokens: x, serviceMs: y } of valid) {
    sumX += x;
    sumY += y;
    sumXX += x * x;
    sumXY += x * y;
  }
  if (sumX === 0) return undefined;
  const meanServiceMs = sumY / n;
  const ratio = { fixedMs: 0, perTokenMs: sumY / sumX, meanServiceMs };
  const sxx = sumXX - (sumX * sumX) / n;
  if (n < MIN_FIT_POINTS || !(sxx > 1e-9 * sumXX)) return ratio;
  const slope = (sumXY - (sumX * sumY) / n) / sxx;
  if (!(slope > 0)) return ratio;
  const intercept = (sumY - slope * sumX) / n;
  if (intercept >= 0) return { fixedMs: intercept, perTokenMs: slope, meanServiceMs };
  return { fixedMs: 0, perTokenMs: sumXY / sumXX, meanServiceMs };
}

/** A finite number above 0, else undefined (a garbled or absent max_tokens sets no bound). */
function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A finite number of at least 0, else undefined. */
function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}
