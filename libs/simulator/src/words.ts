import type { Rng } from './prng.js';

// Short, common words: one word stands for one token, as BPE vocabularies mostly have them.
export const WORDS: readonly string[] = (
  'the a and of to in is it for on with as at by from this that we you they can will be are was has not all ' +
  'data model task agent call queue batch token fleet node route value field item total date name note text ' +
  'line part order first next last new old good fast small large clear open ready runs sends reads finds ' +
  'keeps makes takes gives shows needs works here there then now so but or if when each more most some'
).split(' ');

export function randomWord(rng: Rng): string {
  return rng.pick(WORDS);
}

/** `count` words as tokens: every token after the first carries its leading space, like BPE. */
export function wordTokens(rng: Rng, count: number): string[] {
  const tokens = new Array<string>(count);
  for (let i = 0; i < count; i++) tokens[i] = i === 0 ? randomWord(rng) : ' ' + randomWord(rng);
  return tokens;
}

/** A few words joined by spaces, for string values. */
export function phrase(rng: Rng, words: number): string {
  return wordTokens(rng, words).join('');
}
