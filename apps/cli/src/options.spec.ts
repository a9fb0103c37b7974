import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseHost, parsePort } from './options.js';

describe('parsePort', () => {
  const parse = parsePort('--http-port');

  it.each([
    ['0', 0],
    ['8080', 8080],
    ['65535', 65535],
  ])('accepts %s', (value, port) => {
    expect(parse(value)).toBe(port);
  });

  it.each(['-1', '65536', '80.5', 'http', '', ' 80', '1e3'])('rejects %j naming the flag', (value) => {
    expect(() => parse(value)).toThrow(InvalidArgumentError);
    expect(() => parse(value)).toThrow(`--http-port must be a whole number from 0 to 65535, got "${value}".`);
  });
});

describe('parseHost', () => {
  it.each(['127.0.0.1', '0.0.0.0', 'localhost', '::1', '::'])('accepts %s', (host) => {
    expect(parseHost(host)).toBe(host);
  });

  it.each(['256.0.0.1', 'example.com', '1.2.3', 'my host'])('rejects %s naming the flag', (host) => {
    expect(() => parseHost(host)).toThrow(`--host must be an IP address or "localhost", got "${host}".`);
  });
});
