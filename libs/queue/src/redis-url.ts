/**
 * Checks a Redis URL (redis:// or rediss://, optional user:password, optional /db) and
 * returns it parsed. The error names `flag` so the user knows which argument to fix.
 */
export function parseRedisUrl(value: string, flag = '--redis-url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not echoed: an unparseable value may still hold a password.
    throw new Error(`${flag} is not a valid URL; expected redis://[user:password@]host:port[/db].`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`${flag} must start with redis:// or rediss://, got "${url.protocol}//".`);
  }
  if (!url.hostname) throw new Error(`${flag} has no host.`);
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    throw new Error(`${flag} path must be a database number such as /0, got "${url.pathname}".`);
  }
  return url;
}

/** The URL without credentials, fit for logs and error messages. */
export function redactRedisUrl(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}
