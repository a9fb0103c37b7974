import { describe, expect, it } from 'vitest';
import { bearerToken, checkAccessToken, switchAccess, isLoopbackAddress, SWITCH_REFUSALS } from './switch-access.js';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.9.9.9', true],
    ['10.0.0.7', false],
    ['192.0.2.2', false],
    ['128.0.0.1', false],
    ['12.7.0.0', false],
    ['0.0.0.0', false],
    ['::', false],
    ['::2', false],
    ['fd00::1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:7f00:1', false], // not how a socket reports a mapped address: refused rather than guessed
    ['localhost', false],
    ['127.0.0.1.example.com', false],
    ['', false],
    [undefined, false],
  ])('%s -> %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER  abc ', 'abc'],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', undefined],
    ['Bearer a b', undefined],
    ['abc', undefined],
    [undefined, undefined],
  ])('%j -> %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('switchAccess', () => {
  const token = 'x'.repeat(43);
  it.each([
    // With a token, every caller needs it, loopback included.
    [token, `Bearer ${token}`, '10.1.2.3', { allowed: true }],
    [token, `Bearer ${token}`, '127.0.0.1', { allowed: true }],
    [token, undefined, '127.0.0.1', { allowed: false, status: 401, reason: SWITCH_REFUSALS.missing }],
    [token, undefined, '10.1.2.3', { allowed: false, status: 401, reason: SWITCH_REFUSALS.missing }],
    [token, 'Bearer nope', '10.1.2.3', { allowed: false, status: 401, reason: SWITCH_REFUSALS.wrong }],
    [token, `Bearer ${token}x`, '127.0.0.1', { allowed: false, status: 401, reason: SWITCH_REFUSALS.wrong }],
    [token, `Basic ${token}`, '127.0.0.1', { allowed: false, status: 401, reason: SWITCH_REFUSALS.missing }],
    // Without one, loopback only; a header changes nothing.
    [undefined, undefined, '127.0.0.1', { allowed: true }],
    [undefined, undefined, '::1', { allowed: true }],
    [undefined, undefined, '::ffff:127.0.0.1', { allowed: true }],
    [undefined, undefined, '10.1.2.3', { allowed: false, status: 403, reason: SWITCH_REFUSALS.remote }],
    [undefined, 'Bearer anything', '10.1.2.3', { allowed: false, status: 403, reason: SWITCH_REFUSALS.remote }],
    [undefined, undefined, undefined, { allowed: false, status: 403, reason: SWITCH_REFUSALS.remote }],
  ])('token %s, Authorization %j, from %s', (configured, authorization, remoteAddress, decision) => {
    expect(switchAccess({ authorization, remoteAddress }, configured)).toEqual(decision);
  });
});

describe('checkAccessToken', () => {
  it('takes 16 to 4096 visible ASCII characters', () => {
    for (const ok of ['a'.repeat(16), 'Ab0-_~.+/='.repeat(4), 'z'.repeat(4096)]) {
      expect(() => checkAccessToken(ok, 'the token')).not.toThrow();
    }
  });

  it('refuses what cannot travel in a header or is too short, without echoing it', () => {
    const refusal = (token: string): string => {
      try {
        checkAccessToken(token, 'the token');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    for (const bad of ['short-secret', 'has a space inside it', 'tab\there-and-more-text', 'é'.repeat(20)]) {
      expect(refusal(bad)).toMatch(/^the token must be 16 to 4096 visible ASCII characters/);
      expect(refusal(bad)).not.toContain(bad);
    }
    expect(refusal('')).toMatch(/\(0 characters\)/);
    expect(refusal('z'.repeat(4097))).toMatch(/\(4097 characters\)/);
  });
});
