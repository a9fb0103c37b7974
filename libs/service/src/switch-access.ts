import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * Who may use a service's switches: the worker's `GET /drain` (its token SLM_FLEET_DRAIN_TOKEN,
 * which the operator also puts in both preStop hooks) and the simulator's `/sim/faults`
 * (`--faults-token`). With a token, every caller must send `Authorization: Bearer <token>`,
 * loopback included. Without one, only callers on this machine's loopback: local mode, or a
 * process started by hand. Pure, so the table test covers every case.
 */
export type SwitchAccess = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/** The refusals' reasons, as logged (never the token or the header). */
export const SWITCH_REFUSALS = {
  missing: 'no bearer token',
  wrong: 'wrong bearer token',
  remote: 'not a loopback caller, and no token is set',
} as const;

/** 127.0.0.0/8, ::1, and 127.x mapped into IPv6 (::ffff:127.0.0.1), as a socket reports them. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const lower = address.toLowerCase();
  const v4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return lower === '::1' || lower === '0:0:0:0:0:0:0:1';
}

/** The token of an `Authorization: Bearer <token>` header (scheme in any case), else undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Compares in constant time: both sides are hashed first, so their lengths leak nothing either. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function switchAccess(
  caller: { authorization: string | undefined; remoteAddress: string | undefined },
  token: string | undefined,
): SwitchAccess {
  if (token !== undefined) {
    const given = bearerToken(caller.authorization);
    if (given === undefined) return { allowed: false, status: 401, reason: SWITCH_REFUSALS.missing };
    if (!sameToken(given, token)) return { allowed: false, status: 401, reason: SWITCH_REFUSALS.wrong };
    return { allowed: true };
  }
  if (isLoopbackAddress(caller.remoteAddress)) return { allowed: true };
  return { allowed: false, status: 403, reason: SWITCH_REFUSALS.remote };
}

/**
 * Throws unless `token` can travel in an `Authorization` header and is long enough not to be
 * guessed: 16 to 4096 visible ASCII characters. The message names the setting, never the value.
 */
export function checkAccessToken(token: string, setting: string): void {
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) {
    throw new Error(
      `${setting} must be 16 to 4096 visible ASCII characters without spaces (it is sent in an HTTP header); ` +
        `the value given (${token.length} characters) is not`,
    );
  }
}
