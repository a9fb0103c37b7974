import { describe, expect, it } from 'vitest';
import { checkFaultsToken, faultsAccess, isLoopbackAddress, FAULTS_REFUSALS } from './faults-access.js';

describe('isLoopbackAddress (/sim/faults)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.3.2.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['192.0.2.2', false],
    ['::ffff:192.0.2.2', false],
    ['fd00::2', false],
    ['0.0.0.0', false],
    [undefined, false],
  ])('%s -> %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe('faultsAccess', () => {
  const token = 'sim-faults-token-0123456789';
  it.each([
    [token, `Bearer ${token}`, '192.0.2.2', { allowed: true }],
    [token, `bearer ${token}`, '127.0.0.1', { allowed: true }],
    [token, undefined, '127.0.0.1', { allowed: false, status: 401, reason: FAULTS_REFUSALS.missing }],
    [token, 'Bearer wrong', '192.0.2.2', { allowed: false, status: 401, reason: FAULTS_REFUSALS.wrong }],
    [undefined, undefined, '127.0.0.1', { allowed: true }],
    [undefined, undefined, '::ffff:127.0.0.1', { allowed: true }],
    [undefined, undefined, '192.0.2.2', { allowed: false, status: 403, reason: FAULTS_REFUSALS.remote }],
    [undefined, `Bearer ${token}`, '192.0.2.2', { allowed: false, status: 403, reason: FAULTS_REFUSALS.remote }],
  ])('token %s, Authorization %j, from %s', (configured, authorization, remoteAddress, decision) => {
    expect(faultsAccess({ authorization, remoteAddress }, configured)).toEqual(decision);
  });
});

describe('checkFaultsToken', () => {
  it('takes 16 or more visible ASCII characters and names the flag and variable otherwise', () => {
    expect(() => checkFaultsToken('0123456789abcdef')).not.toThrow();
    expect(() => checkFaultsToken('too-short')).toThrow(/--faults-token, SLM_FLEET_SIM_FAULTS_TOKEN/);
    expect(() => checkFaultsToken('a token with spaces in it')).toThrow(/without spaces/);
  });
});
