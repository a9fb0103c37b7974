import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

// The same rule as the worker's GET /drain (apps/worker/src/drain-access.ts), kept beside each
// service until a shared library holds it: a switch answers a token, or loopback without one.

/**
 * Who may use `/sim/faults`. With a token (`--faults-token`, SLM_FLEET_SIM_FAULTS_TOKEN) every
 * caller must send `Authorization: Bearer <token>`, loopback included; without one, only
 * callers on this machine's loopback. Pure, so the table test covers every case.
 */
export type FaultsAccess = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/** The refusals' reasons (never the token or the header). */
export const FAULTS_REFUSALS = {
  missing: 'no bearer token',
  wrong: 'wrong bearer token',
  remote: 'not a loopback caller, and the simulator has no faults token',
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
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function faultsAccess(
  caller: { authorization: string | undefined; remoteAddress: string | undefined },
  token: string | undefined,
): FaultsAccess {
  if (token !== undefined) {
    const given = bearerToken(caller.authorization);
    if (given === undefined) return { allowed: false, status: 401, reason: FAULTS_REFUSALS.missing };
    if (!sameToken(given, token)) return { allowed: false, status: 401, reason: FAULTS_REFUSALS.wrong };
    return { allowed: true };
  }
  if (isLoopbackAddress(caller.remoteAddress)) return { allowed: true };
  return { allowed: false, status: 403, reason: FAULTS_REFUSALS.remote };
}

/** Throws unless `token` fits an `Authorization` header: 16 to 4096 visible ASCII characters. */
export function checkFaultsToken(token: string): void {
  if (!/^[\x21-\x7e]{16,4096}$/.test(token)) {
    throw new Error(
      `engine-sim: the faults token (--faults-token, SLM_FLEET_SIM_FAULTS_TOKEN) must be 16 to 4096 visible ASCII ` +
        `characters without spaces (it is sent in an HTTP header); the value given (${token.length} characters) is not`,
    );
  }
}
