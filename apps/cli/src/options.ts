import { InvalidArgumentError } from 'commander';
import { parseRedisUrl } from '@slm-fleet/queue';

/** Parses a TCP port argument; 0 means "pick a free port". */
export function parsePort(flag: string): (value: string) => number {
  return (value) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65535) {
      throw new InvalidArgumentError(`${flag} must be a whole number from 0 to 65535, got "${value}".`);
    }
    return port;
  };
}

/** Parses a bind address: an IPv4/IPv6 literal or "localhost". */
export function parseHost(value: string): string {
  const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  if (value === 'localhost' || ipv4.test(value) || /^[0-9a-fA-F:]+$/.test(value)) return value;
  throw new InvalidArgumentError(`--host must be an IP address or "localhost", got "${value}".`);
}

/**
 * Checks the Redis URL once options are parsed. Not a commander argParser: commander would
 * echo the raw value, password included, in its error. Names the flag or the variable.
 */
export function checkRedisUrl(value: string, source: string | undefined): void {
  parseRedisUrl(value, source === 'env' ? 'REDIS_URL' : '--redis-url');
}

/** Parses a whole number within [min, max]. */
export function parseCount(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${value}".`);
    }
    return n;
  };
}

/** Parses a share from 0 to 1. */
export function parseFraction(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
      throw new InvalidArgumentError(`${flag} must be a number from 0 to 1, got "${value}".`);
    }
    return n;
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses a duration such as 250ms, 1.5s or 2m into milliseconds. */
export function parseDuration(flag: string): (value: string) => number {
  return (value) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
    if (!match) throw new InvalidArgumentError(`${flag} must be a duration such as 250ms, 2s or 1m, got "${value}".`);
    return Number(match[1]) * (DURATION_UNITS[match[2] ?? 'ms'] ?? 1);
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Parses namespace/name of a Specialist. */
export function parseSpecialistRef(flag: string): (value: string) => string {
  return (value) => {
    const [namespace, name, extra] = value.split('/');
    if (extra !== undefined || !namespace || !name || !DNS_LABEL.test(namespace) || !DNS_LABEL.test(name)) {
      throw new InvalidArgumentError(`${flag} must be namespace/name of a Specialist, got "${value}".`);
    }
    return value;
  };
}

/** Parses a queue name: no spaces or colons (they would split the Redis keys). */
export function parseQueueName(flag: string): (value: string) => string {
  return (value) => {
    if (!/^[^\s:]{1,200}$/.test(value)) {
      throw new InvalidArgumentError(`${flag} must be 1 to 200 characters without spaces or colons, got "${value}".`);
    }
    return value;
  };
}
