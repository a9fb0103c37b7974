import { describe, expect, it } from 'vitest';
import { NEUTRAL_SIZE_CLASS, SIZE_CLASSES, bullPriority } from '@slm-fleet/queue';
import {
  MAX_PROMOTE_AFTER_MS,
  MIN_PROMOTE_AFTER_MS,
  UNKNOWN_SERVICE_PROMOTE_AFTER_MS,
  answerLengthStats,
  expectedOutputTokens,
  fitServiceTimes,
  promoteAfterMs,
  queueOrder,
  sizeClassOf,
  uncutLengthQuantile,
  type AnswerLength,
  type QueueOrderInput,
  type ServiceFit,
} from './shortest-first.js';

/** BullMQ's highest accepted priority (bullmq's PRIORITY_LIMIT). */
const BULL_PRIORITY_LIMIT = 2 ** 21 - 1;
/** 100 ms to start, 10 ms a token. */
const fit: ServiceFit = { fixedMs: 100, perTokenMs: 10, meanServiceMs: 800 };
const natural = (...tokens: number[]): AnswerLength[] => tokens.map((t) => ({ tokens: t, natural: true }));
const cut = (...tokens: number[]): AnswerLength[] => tokens.map((t) => ({ tokens: t, natural: false }));
const order = (input: Partial<QueueOrderInput>) => queueOrder({ taskPriority: 0, params: {}, ...input });

describe('bullPriority', () => {
  it.each<[string, number, number | undefined, number]>([
    ['the highest task priority, promoted class: BullMQ 1', 1000, 0, 1],
    ['the lowest task priority, longest class: the largest', -1000, SIZE_CLASSES - 1, 2001 * SIZE_CLASSES],
    ['without a class: the neutral one (existing callers)', 0, undefined, 1000 * SIZE_CLASSES + NEUTRAL_SIZE_CLASS + 1],
    ['task priority above 1000 clamps', 5000, 3, bullPriority(1000, 3)],
    ['task priority below -1000 clamps', -5000, 3, bullPriority(-1000, 3)],
    ['a fractional task priority truncates', 3.7, 3, bullPriority(3, 3)],
    ['NaN task priority counts as 0', NaN, 3, bullPriority(0, 3)],
    ['a class above the last clamps', 0, 500, bullPriority(0, SIZE_CLASSES - 1)],
    ['a negative class clamps to 0', 0, -4, bullPriority(0, 0)],
  ])('%s', (_name, taskPriority, sizeClass, want) => {
    expect(bullPriority(taskPriority, sizeClass)).toBe(want);
  });

  it('stays within BullMQ priorities (1 to 2^21 - 1)', () => {
    expect(2001 * SIZE_CLASSES + 1).toBeLessThan(BULL_PRIORITY_LIMIT);
    expect(bullPriority(1000, 0)).toBe(1);
    expect(bullPriority(-1000, SIZE_CLASSES - 1)).toBeLessThan(BULL_PRIORITY_LIMIT);
  });

  it('reads a task priority back by dividing by SIZE_CLASSES', () => {
    for (const p of [-1000, -1, 0, 7, 1000])
      for (const c of [0, 1, NEUTRAL_SIZE_CLASS, SIZE_CLASSES - 1])
        expect(1000 - Math.floor((bullPriority(p, c) - 1) / SIZE_CLASSES)).toBe(p);
  });
});

describe('sizeClassOf', () => {
  it.each<[string, number | undefined, number]>([
    ['1 token: the shortest class (0 is for promoted calls)', 1, 1],
    ['2 tokens: four classes per doubling', 2, 5],
    ['5 tokens', 5, 10],
    ['300 tokens', 300, 33],
    ['32768 tokens: the last class', 32_768, SIZE_CLASSES - 1],
    ['beyond the longest answer a call may ask for: the last class', 1e9, SIZE_CLASSES - 1],
    ['0 tokens: the shortest', 0, 1],
    ['a fraction of a token: the shortest', 0.3, 1],
    ['unknown: the neutral middle class', undefined, NEUTRAL_SIZE_CLASS],
    ['negative: unknown', -5, NEUTRAL_SIZE_CLASS],
    ['NaN: unknown', NaN, NEUTRAL_SIZE_CLASS],
    ['Infinity: unknown', Infinity, NEUTRAL_SIZE_CLASS],
  ])('%s', (_name, tokens, want) => {
    expect(sizeClassOf(tokens)).toBe(want);
  });

  it('puts the neutral class in the middle of the length classes', () => {
    expect(NEUTRAL_SIZE_CLASS - 1).toBe(SIZE_CLASSES - 1 - NEUTRAL_SIZE_CLASS);
    expect(sizeClassOf(200)).toBe(NEUTRAL_SIZE_CLASS);
  });
});

describe('expectedOutputTokens', () => {
  it.each<
    [string, Parameters<typeof expectedOutputTokens>[0], Parameters<typeof expectedOutputTokens>[1], number | undefined]
  >([
    [
      'max_tokens above what the task answers: the answers',
      { max_tokens: 300 },
      { tailTokens: 40, meanTokens: 30 },
      40,
    ],
    ['max_tokens below what the task answers: max_tokens cuts it', { max_tokens: 10 }, { tailTokens: 40 }, 10],
    ['answers known, no max_tokens: the answers', {}, { tailTokens: 40, meanTokens: 30 }, 40],
    ['max_completion_tokens goes before max_tokens', { max_tokens: 300, max_completion_tokens: 20 }, undefined, 20],
    ['answers unknown: max_tokens', { max_tokens: 300 }, undefined, 300],
    ['too few answers for a tail: max_tokens, not their mean', { max_tokens: 300 }, { meanTokens: 30 }, 300],
    ['neither tail nor max_tokens: the mean answer', {}, { meanTokens: 30 }, 30],
    ['nothing known', {}, undefined, undefined],
    ['nothing known, empty stats', {}, {}, undefined],
    ['a huge max_tokens clamps to the longest answer', { max_tokens: 1e9 }, undefined, 32_768],
    ['a negative max_tokens sets no bound', { max_tokens: -5 }, { tailTokens: 40 }, 40],
    ['a NaN max_tokens sets no bound', { max_tokens: NaN }, undefined, undefined],
    ['max_tokens 0 sets no bound', { max_tokens: 0 }, { meanTokens: 7 }, 7],
    ['a NaN tail is no tail', { max_tokens: 300 }, { tailTokens: NaN }, 300],
  ])('%s', (_name, params, lengths, want) => {
    expect(expectedOutputTokens(params, lengths)).toBe(want);
  });
});

describe('queueOrder', () => {
  it('lets a higher task priority go first, whatever the lengths', () => {
    const longHigh = order({ taskPriority: 1, params: { max_tokens: 32_768 } });
    const shortLow = order({ taskPriority: 0, params: { max_tokens: 1 } });
    const promotedLow = order({ taskPriority: 0, params: { max_tokens: 32_768 } }).promote!;
    expect(longHigh.bullPriority).toBeLessThan(shortLow.bullPriority);
    expect(longHigh.bullPriority).toBeLessThan(promotedLow.bullPriority);
    expect(order({ taskPriority: -1000, params: { max_tokens: 1 } }).bullPriority).toBeGreaterThan(
      order({ taskPriority: -999, params: { max_tokens: 32_768 } }).bullPriority,
    );
  });

  it.each<[string, Partial<QueueOrderInput>, Partial<QueueOrderInput>]>([
    ['by max_tokens', { params: { max_tokens: 5 } }, { params: { max_tokens: 300 } }],
    ['by what the tasks answer', { lengths: { tailTokens: 20 } }, { lengths: { tailTokens: 800 } }],
    [
      'a task answering briefly, whatever its max_tokens',
      { params: { max_tokens: 4096 }, lengths: { tailTokens: 20 } },
      { params: { max_tokens: 300 } },
    ],
    ['known short before unknown', { params: { max_tokens: 50 } }, {}],
    ['unknown before known long', {}, { params: { max_tokens: 1000 } }],
  ])('puts the shorter expected answer first within a level: %s', (_name, shorter, longer) => {
    expect(order(shorter).bullPriority).toBeLessThan(order(longer).bullPriority);
  });

  it('keeps calls of the same expected length in one class (FIFO between them)', () => {
    expect(order({ params: { max_tokens: 260 } }).bullPriority).toBe(
      order({ params: { max_tokens: 300 } }).bullPriority,
    );
  });

  it.each<[string, Partial<QueueOrderInput>, number | undefined, number | undefined, number, number | undefined]>([
    // name, input, expected tokens, expected service ms, class, promote.afterMs
    ['the shortest class is never promoted', { params: { max_tokens: 1 }, service: fit }, 1, 110, 1, undefined],
    ['a short call: the floor', { params: { max_tokens: 5 }, service: fit }, 5, 150, 10, MIN_PROMOTE_AFTER_MS],
    ['a long call: twice its service', { params: { max_tokens: 300 }, service: fit }, 300, 3100, 33, 6200],
    [
      'a very long call: the ceiling',
      { params: { max_tokens: 32_768 }, service: fit },
      32_768,
      327_780,
      61,
      MAX_PROMOTE_AFTER_MS,
    ],
    [
      'no service fit: the fixed wait',
      { params: { max_tokens: 300 } },
      300,
      undefined,
      33,
      UNKNOWN_SERVICE_PROMOTE_AFTER_MS,
    ],
    ['unknown length: neutral class, the mean service', { service: fit }, undefined, 800, NEUTRAL_SIZE_CLASS, 1600],
    [
      'nothing known: neutral class, the fixed wait',
      {},
      undefined,
      undefined,
      NEUTRAL_SIZE_CLASS,
      UNKNOWN_SERVICE_PROMOTE_AFTER_MS,
    ],
    [
      'by half the deadline at the latest',
      { params: { max_tokens: 300 }, service: fit, budgetMs: 4000 },
      300,
      3100,
      33,
      2000,
    ],
    [
      'a near deadline wins over the floor',
      { params: { max_tokens: 5 }, service: fit, budgetMs: 600 },
      5,
      150,
      10,
      300,
    ],
    ['a deadline already passed: at once', { params: { max_tokens: 300 }, budgetMs: -50 }, 300, undefined, 33, 0],
  ])('%s', (_name, input, tokens, serviceMs, sizeClass, afterMs) => {
    const got = order(input);
    expect(got.expectedTokens).toBe(tokens);
    expect(got.expectedServiceMs).toBe(serviceMs);
    expect(got.sizeClass).toBe(sizeClass);
    expect(got.bullPriority).toBe(bullPriority(0, sizeClass));
    expect(got.promote?.afterMs).toBe(afterMs);
    if (afterMs !== undefined) expect(got.promote?.bullPriority).toBe(bullPriority(0, 0));
  });

  it('promotes to the head of its own level, never above a higher one', () => {
    const promoted = order({ taskPriority: 5, params: { max_tokens: 300 } }).promote!.bullPriority;
    expect(promoted).toBeLessThan(order({ taskPriority: 5, params: { max_tokens: 1 } }).bullPriority);
    expect(promoted).toBeGreaterThan(order({ taskPriority: 6, params: { max_tokens: 32_768 } }).bullPriority);
  });

  it('clamps task priorities and ignores garbled inputs', () => {
    expect(order({ taskPriority: 1e6, params: { max_tokens: 5 } }).bullPriority).toBe(bullPriority(1000, 10));
    expect(order({ taskPriority: NaN, params: { max_tokens: NaN } }).bullPriority).toBe(
      bullPriority(0, NEUTRAL_SIZE_CLASS),
    );
    const garbled = order({ params: { max_tokens: -1 }, lengths: { tailTokens: -3, meanTokens: NaN }, budgetMs: NaN });
    expect(garbled.sizeClass).toBe(NEUTRAL_SIZE_CLASS);
    expect(garbled.promote?.afterMs).toBe(UNKNOWN_SERVICE_PROMOTE_AFTER_MS);
  });
});

describe('promoteAfterMs', () => {
  it.each<[string, number | undefined, number | undefined, number]>([
    ['twice the service', 2000, undefined, 4000],
    ['the floor', 10, undefined, MIN_PROMOTE_AFTER_MS],
    ['the ceiling', 60_000, undefined, MAX_PROMOTE_AFTER_MS],
    ['unknown service', undefined, undefined, UNKNOWN_SERVICE_PROMOTE_AFTER_MS],
    ['negative service counts as unknown', -1, undefined, UNKNOWN_SERVICE_PROMOTE_AFTER_MS],
    ['half the time to the deadline', 2000, 3000, 1500],
    ['a far deadline changes nothing', 2000, 60_000, 4000],
  ])('%s', (_name, serviceMs, budgetMs, want) => {
    expect(promoteAfterMs(serviceMs, budgetMs)).toBe(want);
  });
});

describe('answer lengths', () => {
  it.each<[string, AnswerLength[], number | undefined]>([
    ['no answer cut: the plain 90th percentile', natural(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 9],
    ['order does not matter', natural(10, 3, 7, 1, 9, 2, 8, 4, 6, 5), 9],
    ['no natural end: unknown', cut(100, 100, 100), undefined],
    [
      // The naturally ended answers alone would say 50: the cut ones are the long ones.
      'half the answers cut at 100: more than 10 % run past every natural end, unknown',
      [...natural(10, 20, 30, 40, 50), ...cut(100, 100, 100, 100, 100)],
      undefined,
    ],
    [
      'a few cut: counted as at least their length',
      [...natural(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180), ...cut(20, 200)],
      180,
    ],
    [
      'a cut and a natural end at the same length: the end counts first',
      [...natural(5, 5, 5, 5, 5, 5, 5, 5, 5), ...cut(5)],
      5,
    ],
    ['empty', [], undefined],
  ])('%s', (_name, answers, want) => {
    expect(uncutLengthQuantile(answers, 0.9)).toBe(want);
  });

  it('gives the tail from five answers on, and the mean of all from the first', () => {
    expect(answerLengthStats([])).toEqual({});
    expect(answerLengthStats(natural(10, 20, 30, 40))).toEqual({ meanTokens: 25 });
    expect(answerLengthStats(natural(10, 20, 30, 40, 50))).toEqual({ meanTokens: 30, tailTokens: 50 });
    expect(answerLengthStats([...natural(10, 20, 30), ...cut(100, 100)])).toEqual({ meanTokens: 52 });
    expect(answerLengthStats([...natural(10, NaN, -4, 30), ...cut(Infinity)])).toEqual({ meanTokens: 20 });
  });

  it('does not take a task whose answers mostly hit max_tokens for a short one', () => {
    const lengths = answerLengthStats([...natural(10, 20, 30), ...cut(500, 500, 500, 500, 500, 500, 500)]);
    expect(expectedOutputTokens({ max_tokens: 500 }, lengths)).toBe(500);
  });
});

describe('fitServiceTimes', () => {
  const points = (...pairs: [number, number][]) => pairs.map(([tokens, serviceMs]) => ({ tokens, serviceMs }));

  it('fits a line through points on one', () => {
    const got = fitServiceTimes(points([10, 200], [20, 300], [30, 400], [40, 500]))!;
    expect(got.fixedMs).toBeCloseTo(100);
    expect(got.perTokenMs).toBeCloseTo(10);
    expect(got.meanServiceMs).toBeCloseTo(350);
  });

  it('fits noisy points by least squares', () => {
    // y = 50 + 2x, residuals +10, -10, -10, +10: the fit is the line itself.
    const got = fitServiceTimes(points([0, 60], [10, 60], [20, 80], [30, 120]))!;
    expect(got.fixedMs).toBeCloseTo(50);
    expect(got.perTokenMs).toBeCloseTo(2);
  });

  it.each<[string, [number, number][], ServiceFit | undefined]>([
    ['no points', [], undefined],
    [
      'no tokens in any answer: nothing relates time to length',
      [
        [0, 100],
        [0, 200],
        [0, 300],
      ],
      undefined,
    ],
    [
      'too few points: the mean ms per token',
      [
        [10, 200],
        [30, 400],
      ],
      { fixedMs: 0, perTokenMs: 15, meanServiceMs: 300 },
    ],
    [
      'all of one length: the mean ms per token',
      [
        [50, 100],
        [50, 200],
        [50, 300],
      ],
      { fixedMs: 0, perTokenMs: 4, meanServiceMs: 200 },
    ],
    [
      'a falling slope (noise): the mean ms per token',
      [
        [10, 400],
        [20, 300],
        [30, 200],
      ],
      { fixedMs: 0, perTokenMs: 15, meanServiceMs: 300 },
    ],
    [
      'garbled points are left out',
      [
        [10, 200],
        [NaN, 5],
        [-3, 9],
        [30, NaN],
        [30, -1],
      ],
      { fixedMs: 0, perTokenMs: 20, meanServiceMs: 200 },
    ],
  ])('%s', (_name, pairs, want) => {
    expect(fitServiceTimes(points(...pairs))).toEqual(want);
  });

  it('refits through 0 when the line would start below it', () => {
    // y = 10x - 50 would give short answers negative times.
    const got = fitServiceTimes(points([10, 50], [20, 150], [30, 250]))!;
    expect(got.fixedMs).toBe(0);
    expect(got.perTokenMs).toBeCloseTo((10 * 50 + 20 * 150 + 30 * 250) / (100 + 400 + 900));
  });
});
