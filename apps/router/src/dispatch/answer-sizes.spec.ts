import { describe, expect, it } from 'vitest';
import { NEUTRAL_SIZE_CLASS, bullPriority, type CallResult } from '@slm-fleet/queue';
import { UNKNOWN_SERVICE_PROMOTE_AFTER_MS, sizeClassOf } from '@slm-fleet/routing';
import { AnswerSizes } from './answer-sizes.js';

/** An answer of `tokens`, ended by itself unless `finishReason` says otherwise, taking 100 ms + 10 ms a token. */
const answer = (tokens: number, finishReason = 'stop'): CallResult => ({
  output: 'x',
  finishReason,
  model: 'm',
  replica: 'r',
  usage: { promptTokens: 5, completionTokens: tokens },
  timings: { queueMs: 0, serviceMs: 100 + 10 * tokens, timeToFirstTokenMs: 10 },
});
const LONG_BUDGET = 600_000;

describe('AnswerSizes', () => {
  it('knows nothing at first: max_tokens alone orders, the promotion wait is the fixed one', () => {
    const sizes = new AnswerSizes();
    expect(sizes.order('ns/a', 'ns/t', 0, {}, LONG_BUDGET)).toMatchObject({
      sizeClass: NEUTRAL_SIZE_CLASS,
      bullPriority: bullPriority(0),
      promote: { afterMs: UNKNOWN_SERVICE_PROMOTE_AFTER_MS, bullPriority: bullPriority(0, 0) },
    });
    expect(sizes.order('ns/a', 'ns/t', 0, { max_tokens: 5 }, LONG_BUDGET).sizeClass).toBe(sizeClassOf(5));
  });

  it("orders a task's calls by its answers' lengths, and times them by the Specialist's fit", () => {
    const sizes = new AnswerSizes();
    for (let i = 0; i < 10; i++) sizes.observe('ns/a', 'ns/short', answer(10 + i));
    for (let i = 0; i < 10; i++) sizes.observe('ns/a', 'ns/long', answer(400 + i));
    const short = sizes.order('ns/a', 'ns/short', 0, { max_tokens: 1000 }, LONG_BUDGET);
    const long = sizes.order('ns/a', 'ns/long', 0, { max_tokens: 1000 }, LONG_BUDGET);
    expect(short.expectedTokens).toBe(18);
    expect(long.expectedTokens).toBe(408);
    expect(short.bullPriority).toBeLessThan(long.bullPriority);
    expect(long.expectedServiceMs).toBeCloseTo(100 + 10 * 408);
    expect(long.promote?.afterMs).toBe(2 * 4180);
    // Another Specialist (a fallback) has its own observations.
    expect(sizes.order('ns/llm', 'ns/short', 0, { max_tokens: 1000 }, LONG_BUDGET).expectedTokens).toBe(1000);
  });

  it('takes answers cut at max_tokens as at least that long', () => {
    const sizes = new AnswerSizes();
    for (let i = 0; i < 3; i++) sizes.observe('ns/a', 'ns/t', answer(10));
    for (let i = 0; i < 7; i++) sizes.observe('ns/a', 'ns/t', answer(500, 'length'));
    expect(sizes.order('ns/a', 'ns/t', 0, { max_tokens: 500 }, LONG_BUDGET).expectedTokens).toBe(500);
  });

  it('forgets answers older than the last 100', () => {
    const sizes = new AnswerSizes();
    for (let i = 0; i < 100; i++) sizes.observe('ns/a', 'ns/t', answer(1000));
    for (let i = 0; i < 100; i++) sizes.observe('ns/a', 'ns/t', answer(20));
    expect(sizes.order('ns/a', 'ns/t', 0, {}, LONG_BUDGET).expectedTokens).toBe(20);
  });

  it('ignores an answer without a token count', () => {
    const sizes = new AnswerSizes();
    sizes.observe('ns/a', 'ns/t', { ...answer(10), usage: { promptTokens: 1, completionTokens: Number.NaN } });
    expect(sizes.order('ns/a', 'ns/t', 0, {}, LONG_BUDGET).expectedTokens).toBeUndefined();
  });
});
