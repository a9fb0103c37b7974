// Log probabilities of an answer's tokens, as OpenAI reports them with `logprobs: true`. No
// model computes them: they are drawn, deterministically, to be well formed (every value
// ≤ 0, the chosen token the most likely, alternatives' probabilities adding up to less than 1).
import { createRng } from './prng.js';
import { WORDS } from './words.js';

/** One candidate token: OpenAI's `top_logprobs[]` entry. */
export interface TopLogprob {
  token: string;
  logprob: number;
  /** The token's UTF-8 bytes. */
  bytes: number[];
}

/** One output token: OpenAI's `logprobs.content[]` entry. */
export interface TokenLogprob extends TopLogprob {
  /** The `top` most likely tokens at this position, most likely first: the chosen one, then others. */
  top_logprobs: TopLogprob[];
}

const encoder = new TextEncoder();
// Keeps the draws apart from the answer's own generator, which has the same request hash as seed.
const SALT = 0x5bd1e995;

/**
 * One entry per token, drawn from `seed` (the request's hash): the chosen token's probability
 * p lies in (0.5, 1), so it is the most likely, and the k-th alternative's is (1 - p) / 2^k,
 * so all of them add up to less than 1. Alternatives are vocabulary words with the chosen
 * token's leading whitespace.
 *
 * `lowConfidence` (the simulator's low-confidence fault) draws every logprob in [-5, -3]
 * instead (mean -4, p about 0.02, where normal ones average about -0.35): a model guessing.
 * The chosen token stays the most likely listed, the k-th alternative having p / 2^k.
 */
export function tokenLogprobs(
  tokens: readonly string[],
  top: number,
  seed: number,
  lowConfidence = false,
): TokenLogprob[] {
  const rng = createRng(seed ^ SALT);
  return tokens.map((token) => {
    const logprob = round(lowConfidence ? -(3 + rng.next() * 2) : -(0.0001 + rng.next() * 0.69));
    const bytes = Array.from(encoder.encode(token));
    const topLogprobs: TopLogprob[] = top > 0 ? [{ token, logprob, bytes }] : [];
    // The alternatives halve what the chosen token leaves (1 - p), or, guessing, p itself.
    const rest = lowConfidence ? logprob : Math.log(1 - Math.exp(logprob));
    const lead = /^\s*/.exec(token)?.[0] ?? '';
    // Consecutive words from a drawn start: distinct, as the vocabulary is longer than 20.
    for (let word = rng.int(0, WORDS.length - 1); topLogprobs.length < top; word++) {
      const candidate = lead + WORDS[word % WORDS.length];
      if (candidate === token) continue;
      const k = topLogprobs.length;
      topLogprobs.push({
        token: candidate,
        // k ≥ 1: the chosen token is listed first.
        logprob: round(rest - k * Math.LN2),
        bytes: Array.from(encoder.encode(candidate)),
      });
    }
    return { token, logprob, bytes, top_logprobs: topLogprobs };
  });
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;
