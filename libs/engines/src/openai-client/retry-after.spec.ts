import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, retryAfterMs, type RetryAfterHeaders } from './retry-after.js';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('retryAfterMs', () => {
  it.each<[string, RetryAfterHeaders, number]>([
    ['no header: the default', {}, DEFAULT_RETRY_AFTER_MS],
    ['Retry-After in seconds', { 'retry-after': '2' }, 2_000],
    ['Retry-After with spaces around', { 'retry-after': ' 3 ' }, 3_000],
    ['Retry-After in fractional seconds, rounded up', { 'retry-after': '1.2345' }, 1_235],
    ['Retry-After as an HTTP date', { 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, 5_000],
    ['Retry-After as an RFC 850 date', { 'retry-after': 'Wednesday, 01-Jan-25 00:00:07 GMT' }, 7_000],
    [
      'Retry-After as a date in the past: at once, but not below the floor',
      { 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' },
      100,
    ],
    ['retry-after-ms wins over Retry-After', { 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    ['retry-after-ms fractional, rounded up', { 'retry-after-ms': '1500.2' }, 1_501],
    [
      'a retry-after-ms that does not parse falls back to Retry-After',
      { 'retry-after-ms': 'soon', 'retry-after': '4' },
      4_000,
    ],
    ['Retry-After 0: the floor', { 'retry-after': '0' }, 100],
    ['a negative Retry-After is ignored', { 'retry-after': '-5' }, DEFAULT_RETRY_AFTER_MS],
    ['garbage is ignored', { 'retry-after': 'later please' }, DEFAULT_RETRY_AFTER_MS],
    ['an empty header is ignored', { 'retry-after': '' }, DEFAULT_RETRY_AFTER_MS],
    ['exponent notation is not a delay', { 'retry-after': '1e3' }, DEFAULT_RETRY_AFTER_MS],
    ['a repeated header: the first', { 'retry-after': ['6', '60'] }, 6_000],
    ['a day is capped', { 'retry-after': '86400' }, MAX_RETRY_AFTER_MS],
  ])('%s', (_case, headers, expected) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});
