import { describe, expect, it } from 'vitest';
import { splitJsonTokens } from './json-tokens.js';

describe('splitJsonTokens', () => {
  it('cuts punctuation runs and words apart', () => {
    expect(splitJsonTokens('{"name":"alpha beta","n":3}')).toEqual([
      '{"',
      'name',
      '":"',
      'alpha',
      ' beta',
      '","',
      'n',
      '":',
      '3',
      '}',
    ]);
  });

  it('loses no character, escapes and unicode included', () => {
    const json = JSON.stringify({ quote: 'say "hi"\n', list: [1, -2.5e3, null, true], emoji: 'ünï 😀', e: '' });
    expect(splitJsonTokens(json).join('')).toBe(json);
  });

  it('returns no tokens for empty text', () => {
    expect(splitJsonTokens('')).toEqual([]);
  });
});
