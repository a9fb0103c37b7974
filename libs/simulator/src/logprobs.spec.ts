import { describe, expect, it } from 'vitest';
import { tokenLogprobs } from './logprobs.js';

const TOKENS = ['The', ' order', ' shipped', '{"', 'zß', ' 😀'];

describe('tokenLogprobs', () => {
  it('has one entry per token: the token, its UTF-8 bytes and a log probability below zero', () => {
    const entries = tokenLogprobs(TOKENS, 0, 1);
    expect(entries.map((entry) => entry.token)).toEqual(TOKENS);
    for (const { token, logprob, bytes, top_logprobs } of entries) {
      expect(Buffer.from(bytes).toString('utf8')).toBe(token);
      expect(logprob).toBeLessThan(0);
      expect(logprob).toBeGreaterThan(-0.7);
      expect(top_logprobs).toEqual([]); // top_logprobs 0
    }
  });

  it.each([1, 5, 20])(
    'lists %i most likely tokens per position: the chosen one first, then less likely others',
    (top) => {
      for (const { token, logprob, bytes, top_logprobs } of tokenLogprobs(TOKENS, top, 9)) {
        expect(top_logprobs).toHaveLength(top);
        expect(top_logprobs[0]).toEqual({ token, logprob, bytes });
        const values = top_logprobs.map((candidate) => candidate.logprob);
        expect([...values].sort((a, b) => b - a)).toEqual(values);
        expect(new Set(top_logprobs.map((candidate) => candidate.token)).size).toBe(top);
        const mass = values.reduce((sum, value) => sum + Math.exp(value), 0);
        expect(mass).toBeLessThanOrEqual(1);
        for (const candidate of top_logprobs.slice(1)) {
          expect(candidate.logprob).toBeLessThan(logprob);
          expect(Buffer.from(candidate.bytes).toString('utf8')).toBe(candidate.token);
        }
      }
    },
  );

  it('gives alternatives the leading space of the chosen token, as a tokenizer would', () => {
    const [entry] = tokenLogprobs([' order'], 4, 3);
    for (const candidate of entry!.top_logprobs) expect(candidate.token).toMatch(/^ [a-z]+$/);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(tokenLogprobs(TOKENS, 3, 11)).toEqual(tokenLogprobs(TOKENS, 3, 11));
    expect(tokenLogprobs(TOKENS, 3, 11)).not.toEqual(tokenLogprobs(TOKENS, 3, 12));
  });

  it('low confidence: every logprob in [-5, -3], mean about -4, the chosen token still the likeliest listed', () => {
    const tokens = Array.from({ length: 200 }, (_, i) => ` w${i}`);
    const entries = tokenLogprobs(tokens, 3, 5, true);
    const values = entries.map((entry) => entry.logprob);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-5);
    expect(Math.max(...values)).toBeLessThanOrEqual(-3);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(-4.3);
    expect(mean).toBeLessThan(-3.7);
    for (const { logprob, top_logprobs } of entries) {
      expect(top_logprobs[0]?.logprob).toBe(logprob);
      for (const candidate of top_logprobs.slice(1)) expect(candidate.logprob).toBeLessThan(logprob);
    }
  });
});
