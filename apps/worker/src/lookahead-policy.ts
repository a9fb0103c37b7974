// Look-ahead: when to take the next call from the queue while the engine's slots are still
// busy. A replica that takes its next call only once a slot is free idles for the fetch (a
// Redis round trip and the scheduling around it); one that takes calls early is a push
// discipline again, holding a call behind a long answer that another replica would have
// started sooner. The middle: take the next call when a running call is about to end, within
// the time a fetch takes, so the engine has it queued when the slot frees. Pure.

/** A call on the engine, as the worker sees its stream. */
export interface CallProgress {
  /** The call's max_tokens, when it has one: without it the end cannot be told. */
  maxTokens?: number;
  /** Tokens (stream deltas) received so far. */
  tokens: number;
  /** performance.now() of the first and the latest token. */
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** The call's processing has ended: its engine slot is free. */
  ended: boolean;
  /** The worker looked again at the moment its end came within the lead (see msUntilLead). */
  dueNow?: boolean;
}

/**
 * Expected ms until the call's engine slot frees, from its token rate so far and the tokens
 * max_tokens still allows (an upper bound: an answer may stop sooner). Undefined when it
 * cannot be told: no max_tokens, or fewer than two tokens to time.
 */
export function expectedRemainingMs(call: CallProgress, now: number): number | undefined {
  if (call.ended) return 0;
  const { maxTokens, tokens, firstTokenAt, lastTokenAt } = call;
  if (maxTokens === undefined || firstTokenAt === undefined || lastTokenAt === undefined || tokens < 2) {
    return undefined;
  }
  const perTokenMs = (lastTokenAt - firstTokenAt) / (tokens - 1);
  return Math.max(0, (maxTokens - tokens) * perTokenMs - (now - lastTokenAt));
}

export interface TakeState {
  /** Calls the worker holds: taken from the queue and not yet finished, with their progress. */
  held: CallProgress[];
  /** Fetches under way (each may bring a call). */
  fetching: number;
  /** Calls the engine runs at once (the worker's --concurrency). */
  slots: number;
  /** How long a fetch takes now, ms: a call ending within it may be followed early. */
  leadMs: number;
  now: number;
}

/**
 * Whether the call's slot counts as free for the next fetch: it ended, or it ends within the
 * lead but not within LEAD.minAheadMs. A call that ends sooner than that is left to BullMQ,
 * which fetches its successor with the completion, in the same round trip: a look-ahead would
 * save nothing and cost a round trip of its own.
 */
export function endsWithinLead(call: CallProgress, leadMs: number, now: number): boolean {
  // A look again between tokens is timed for the lead, but a timer may fire late: it counts.
  if (call.ended || call.dueNow) return true;
  const remaining = expectedRemainingMs(call, now);
  return remaining !== undefined && remaining > LEAD.minAheadMs && remaining <= leadMs;
}

/**
 * Ms from now until the call's end comes within the lead, when that happens before its next
 * token is due; undefined otherwise (already within it, unknown, or a token comes first). An
 * engine whose tokens are further apart than the lead (10-30 ms a token on a GPU against a few
 * ms of lead) would otherwise skip the window between two tokens: the worker looks again then.
 */
export function msUntilLead(call: CallProgress, leadMs: number, now: number): number | undefined {
  const remaining = expectedRemainingMs(call, now);
  const { tokens, firstTokenAt, lastTokenAt } = call;
  if (remaining === undefined || remaining <= leadMs || firstTokenAt === undefined || lastTokenAt === undefined) {
    return undefined;
  }
  const perTokenMs = (lastTokenAt - firstTokenAt) / (tokens - 1);
  const untilLead = remaining - leadMs;
  return untilLead < perTokenMs - (now - lastTokenAt) ? untilLead : undefined;
}

/**
 * Engine slots that stay busy: calls not known to end within leadMs (one that has not
 * produced two tokens counts as busy), plus fetches under way.
 */
export function slotsBusyBeyondLead(state: TakeState): number {
  const busy = state.held.filter((call) => !endsWithinLead(call, state.leadMs, state.now));
  return busy.length + state.fetching;
}

/** Whether to take one more call now: some slot is free, or frees within the time the fetch takes. */
export function mayTakeNext(state: TakeState): boolean {
  return slotsBusyBeyondLead(state) < state.slots;
}

/** Exponentially weighted mean of fetch times: the lead a call is followed with. */
export const LEAD = {
  /** Before any fetch is timed; about a Redis round trip and a scheduling delay on a busy node. */
  initialMs: 5,
  /** Never under this: a fetch is never free, and a timer may fire a millisecond late. */
  floorMs: 3,
  /** Twice the mean fetch time: a fetch slower than average still lands before the slot frees. */
  factor: 2,
  /** Weight of a new fetch time in the mean. */
  weight: 0.2,
  /** A call ending sooner than this is followed by its completion, not ahead of it. */
  minAheadMs: 1,
} as const;

export function nextMeanFetchMs(meanMs: number | undefined, fetchMs: number): number {
  return meanMs === undefined ? fetchMs : meanMs + LEAD.weight * (fetchMs - meanMs);
}

export function leadMsOf(meanFetchMs: number | undefined): number {
  return meanFetchMs === undefined ? LEAD.initialMs : Math.max(LEAD.floorMs, LEAD.factor * meanFetchMs);
}
