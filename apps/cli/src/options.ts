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
