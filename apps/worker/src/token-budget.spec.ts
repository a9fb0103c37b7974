import { describe, expect, it } from 'vitest';
import { tokenBudgetWaitMs, tokenWindow, tokenWindowKey } from './token-budget.js';

const minute = (n: number, plusMs = 0) => n * 60_000 + plusMs;

describe('token budget', () => {
  it.each([
    ['no budget: never waits', 1e9, undefined, minute(5, 10_000), 0],
    ['under the budget', 999, 1_000, minute(5, 10_000), 0],
    ['at the budget: until the window ends', 1_000, 1_000, minute(5, 10_000), 50_000],
    ['over the budget late in the window', 5_000, 1_000, minute(5, 59_999), 1],
    ['over the budget at the start of a window', 5_000, 1_000, minute(5), 60_000],
  ])('%s', (_case, used, budget, now, expected) => {
    expect(tokenBudgetWaitMs(used, budget, now)).toBe(expected);
  });

  it('counts in UTC minutes, beside the queue under its hash tag', () => {
    expect(tokenWindow(minute(7, 59_999))).toBe(7);
    expect(tokenWindow(minute(8))).toBe(8);
    expect(tokenWindowKey('slm', '{demo.large}', 8)).toBe('slm:{demo.large}:tokens-per-minute:8');
  });
});
