import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_VERSION } from './client.js';
import { channelOptionsOf, retryPolicyOf } from './client-options.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';

describe('channelOptionsOf', () => {
  it('balances round robin over every resolved router, with keepalive on idle connections', () => {
    const options = channelOptionsOf({ target: 'dns:///routers:50051' }, '1.2.3');
    expect(JSON.parse(String(options['grpc.service_config']))).toEqual({ loadBalancingConfig: [{ round_robin: {} }] });
    expect(options).toMatchObject({
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.primary_user_agent': 'slm-fleet-client/1.2.3',
    });
  });

  it('reconnects to a restarted router within a second (grpc-js alone waits up to 120 s)', () => {
    const options = channelOptionsOf({ target: 'x' }, '1');
    expect(options['grpc.max_reconnect_backoff_ms']).toBe(1_000);
    expect(options['grpc.initial_reconnect_backoff_ms']).toBeLessThanOrEqual(1_000);
  });

  it("lets the caller's channel options win", () => {
    const options = channelOptionsOf({ target: 'x', channelOptions: { 'grpc.keepalive_time_ms': 60_000 } }, '1');
    expect(options['grpc.keepalive_time_ms']).toBe(60_000);
  });
});

describe('retryPolicyOf', () => {
  it('takes the defaults for what the caller leaves out', () => {
    expect(retryPolicyOf({ target: 'x' })).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicyOf({ target: 'x', retry: { maxAttempts: 2, maxBackoffMs: undefined } })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 2,
    });
  });

  it('retries until the deadline by default, waiting at most 1 s between sends', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(Number.POSITIVE_INFINITY);
    expect(DEFAULT_RETRY_POLICY.maxBackoffMs).toBeLessThanOrEqual(1_000);
  });

  it('refuses settings that cannot work, naming them', () => {
    expect(() => retryPolicyOf({ target: 'x', retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts/);
    expect(() => retryPolicyOf({ target: 'x', retry: { maxAttempts: 2.5 } })).toThrow(/retry.maxAttempts/);
    expect(() => retryPolicyOf({ target: 'x', retry: { initialBackoffMs: 10, maxBackoffMs: 5 } })).toThrow(
      /initialBackoffMs/,
    );
  });
});

it("CLIENT_VERSION is the package's version", () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(CLIENT_VERSION).toBe(pkg.version);
});
