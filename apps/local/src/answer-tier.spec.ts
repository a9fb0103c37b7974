import { describe, expect, it } from 'vitest';
import { AnsweredBy } from '@slm-fleet/proto';
import { tierFigures, tierOfAnswer, type AnswerTier } from './answer-tier.js';

const by = (fields: Partial<AnsweredBy>) => ({ answeredBy: AnsweredBy.fromPartial(fields) });

describe('tierOfAnswer', () => {
  it.each([
    ['a specialist answer', by({ tier: 'specialist' }), { tier: 'specialist' }],
    ['an answer from a router without tiers', by({ specialist: 'local/x' }), { tier: 'specialist' }],
    ['an answer without answered_by', { answeredBy: undefined }, { tier: 'specialist' }],
    [
      'a fallback answer with its reason',
      by({ tier: 'fallback', fallbackReason: 'overflow' }),
      { tier: 'fallback', reason: 'overflow' },
    ],
    ['a fallback answer without a reason', by({ tier: 'fallback' }), { tier: 'fallback', reason: 'unknown' }],
  ])('reads %s', (_, answer, tier) => expect(tierOfAnswer(answer)).toEqual(tier));
});

describe('tierFigures', () => {
  const specialist: AnswerTier = { tier: 'specialist' };
  const fallback = (reason: string): AnswerTier => ({ tier: 'fallback', reason });
  it.each([
    ['no answers', [], { largeModelShare: undefined, reasons: [] }],
    ['only specialists', [specialist, specialist], { largeModelShare: 0, reasons: [] }],
    [
      'a mix, reasons most frequent first, then by name',
      [
        specialist,
        fallback('overflow'),
        fallback('no_ready_replica'),
        fallback('overflow'),
        fallback('invalid_output'),
        specialist,
        specialist,
        specialist,
      ],
      {
        largeModelShare: 0.5,
        reasons: [
          ['overflow', 2],
          ['invalid_output', 1],
          ['no_ready_replica', 1],
        ],
      },
    ],
  ])('of %s', (_, answers, figures) => expect(tierFigures(answers)).toEqual(figures));
});
