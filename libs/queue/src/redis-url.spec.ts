import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://user:pw@redis.example:6380/2', 'redis://localhost'])(
    'accepts %s',
    (url) => {
      expect(parseRedisUrl(url).hostname).not.toBe('');
    },
  );

  it.each([
    ['http://127.0.0.1:6379', '--redis-url must start with redis:// or rediss://, got "http://".'],
    ['redis://127.0.0.1:6379/queues', '--redis-url path must be a database number such as /0, got "/queues".'],
    ['127.0.0.1:6379', '--redis-url is not a valid URL; expected redis://[user:password@]host:port[/db].'],
  ])('rejects %s naming the flag', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never echoes a password it cannot parse', () => {
    expect(() => parseRedisUrl('redis://user:s3cret@[bad', 'REDIS_URL')).toThrow(/^REDIS_URL is not a valid URL/);
    expect(() => parseRedisUrl('redis://user:s3cret@[bad')).not.toThrow(/s3cret/);
  });
});

describe('redactRedisUrl', () => {
  it('hides credentials and keeps the address', () => {
    expect(redactRedisUrl('redis://user:s3cret@10.0.0.5:6379/1')).toBe('redis://***@10.0.0.5:6379/1');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
