// Which tier answered a demo call, read from the answer itself (gRPC answered_by.tier and
// fallback_reason, the demo's door), so the live view shows what callers see, not a guess
// from queue depths.
import type { InvokeResponse } from '@slm-fleet/proto';

/** Who answered a call: a specialist, or the task's fallback (the large model) and why. */
export type AnswerTier = { tier: 'specialist' } | { tier: 'fallback'; reason: string };

/** A fallback answer without a reason (an older router, a new trigger): counted, not dropped. */
export const UNKNOWN_REASON = 'unknown';

/** The tier of an answer; an answer without a tier (a router from before tiers) is a specialist's. */
export function tierOfAnswer(answer: Pick<InvokeResponse, 'answeredBy'>): AnswerTier {
  const by = answer.answeredBy;
  if (by?.tier !== 'fallback') return { tier: 'specialist' };
  return { tier: 'fallback', reason: by.fallbackReason || UNKNOWN_REASON };
}

/** What the answers of a window say of the large model: its share, and its reasons, most frequent first. */
export interface TierFigures {
  /** Of the answered calls; undefined with none. */
  largeModelShare: number | undefined;
  reasons: [reason: string, count: number][];
}

export function tierFigures(answers: readonly AnswerTier[]): TierFigures {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    if (answer.tier === 'fallback') counts.set(answer.reason, (counts.get(answer.reason) ?? 0) + 1);
  }
  const fallbacks = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return {
    largeModelShare: answers.length > 0 ? fallbacks / answers.length : undefined,
    reasons: [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)),
  };
}
