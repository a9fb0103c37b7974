import { describe, expect, it } from 'vitest';
import {
  LEAD,
  expectedRemainingMs,
  leadMsOf,
  mayTakeNext,
  msUntilLead,
  nextMeanFetchMs,
  type CallProgress,
} from './lookahead-policy.js';

/** A call at 1 ms per token that has produced `tokens` of `maxTokens`, the last one at t=100. */
const call = (tokens: number, maxTokens?: number): CallProgress => ({
  tokens,
  ...(maxTokens === undefined ? {} : { maxTokens }),
  firstTokenAt: 100 - (tokens - 1),
  lastTokenAt: 100,
  ended: false,
});
const ENDED: CallProgress = { tokens: 3, ended: true };

describe('expectedRemainingMs', () => {
  it.each([
    ['tokens left at the rate so far', call(10, 40), 100, 30],
    ['less the time since the last token', call(10, 40), 104, 26],
    ['never negative', call(40, 40), 110, 0],
    ['an ended call: its slot is free', ENDED, 100, 0],
    ['no max_tokens: unknown', call(10), 100, undefined],
    ['one token: no rate yet', call(1, 40), 100, undefined],
    ['no token yet', { tokens: 0, maxTokens: 40, ended: false }, 100, undefined],
  ])('%s', (_name, progress, now, expected) => {
    expect(expectedRemainingMs(progress, now)).toBe(expected);
  });
});

describe('msUntilLead', () => {
  /** A call at 20 ms a token, `tokens` of `maxTokens`, the last one at t=1000. */
  const slow = (tokens: number, maxTokens: number): CallProgress => ({
    tokens,
    maxTokens,
    firstTokenAt: 1000 - 20 * (tokens - 1),
    lastTokenAt: 1000,
    ended: false,
  });
  it.each([
    ['one token left: the window opens before the next token', slow(9, 10), 5, 1000, 15],
    ['later the same gap, less the time passed', slow(9, 10), 5, 1004, 11],
    ['two tokens left: the next token comes first', slow(8, 10), 5, 1000, undefined],
    ['already within the lead', slow(10, 10), 5, 1000, undefined],
    ['no max_tokens: unknown', { ...slow(9, 10), maxTokens: undefined }, 5, 1000, undefined],
  ])('%s', (_name, progress, lead, now, expected) => {
    expect(msUntilLead(progress, lead, now)).toBe(expected);
  });
});

describe('mayTakeNext', () => {
  const state = (held: CallProgress[], slots: number, fetching = 0) => ({ held, slots, fetching, leadMs: 5, now: 100 });
  it.each([
    ['a free slot', state([call(2, 300)], 2), true],
    ['the only slot busy for long', state([call(2, 300)], 1), false],
    ['the only slot frees within the lead: follow it early', state([call(297, 300)], 1), true],
    ['ends within a millisecond: its completion fetches the next', state([call(299, 300)], 1), false],
    ['looked at again when due (a timer that fired late)', state([{ ...call(299, 300), dueNow: true }], 1), true],
    ['ended, not yet stored: its slot is free', state([ENDED], 1), true],
    ['one early follower already held', state([call(297, 300), call(0, 300)], 1), false],
    ['a fetch under way counts as a busy slot', state([call(297, 300)], 1, 1), false],
    ['unknown end: wait for the slot', state([call(297)], 1), false],
    ['batch of 2: one of two near its end', state([call(297, 300), call(5, 300)], 2), true],
    ['batch of 2: both busy for long', state([call(5, 300), call(5, 300)], 2), false],
    ['batch of 2: one near its end, its follower held', state([call(297, 300), call(5, 300), call(0, 9)], 2), false],
  ])('%s', (_name, s, expected) => {
    expect(mayTakeNext(s)).toBe(expected);
  });
});

describe('the lead', () => {
  it('starts at the initial guess, then follows twice the mean fetch time, never under the floor', () => {
    expect(leadMsOf(undefined)).toBe(LEAD.initialMs);
    expect(leadMsOf(4)).toBe(8);
    expect(leadMsOf(0.2)).toBe(LEAD.floorMs);
    expect(nextMeanFetchMs(undefined, 3)).toBe(3);
    expect(nextMeanFetchMs(3, 8)).toBeCloseTo(4);
  });
});
