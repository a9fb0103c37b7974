import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { SlmFleetError } from './errors.js';

export interface RetryEvent {
  task: string;
  /** The attempt that failed (1 for the first send). */
  attempt: number;
  error: SlmFleetError;
  /** The wait before the next attempt. */
  delayMs: number;
}

export interface SlmFleetClientOptions {
  /**
   * The routers: in Kubernetes their headless Service, `dns:///slm-fleet-router-grpc.<namespace>.svc:50051`
   * (every router pod is an address, and calls are balanced over them); locally `127.0.0.1:50051`;
   * or a fixed list, `ipv4:10.0.0.1:50051,10.0.0.2:50051`.
   */
  target: string;
  /** The router serves plaintext gRPC; pass `credentials.createSsl()` behind a TLS-terminating proxy. */
  credentials?: ChannelCredentials;
  /** The deadline of calls that set none (30 s, as a task's default timeout). */
  defaultTimeoutMs?: number;
  retry?: Partial<RetryPolicy> & { onRetry?: (event: RetryEvent) => void };
  /** Extra grpc-js channel options; they override the client's. */
  channelOptions?: ChannelOptions;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function retryPolicyOf(options: SlmFleetClientOptions): RetryPolicy {
  const {
    maxAttempts = DEFAULT_RETRY_POLICY.maxAttempts,
    initialBackoffMs = DEFAULT_RETRY_POLICY.initialBackoffMs,
    maxBackoffMs = DEFAULT_RETRY_POLICY.maxBackoffMs,
  } = options.retry ?? {};
  if (!(Number.isInteger(maxAttempts) || maxAttempts === Number.POSITIVE_INFINITY) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a whole number of at least 1 (or Infinity), not ${maxAttempts}`);
  }
  if (!(initialBackoffMs >= 0) || !(maxBackoffMs >= initialBackoffMs)) {
    throw new RangeError('retry.initialBackoffMs must be at least 0 and at most retry.maxBackoffMs');
  }
  return { maxAttempts, initialBackoffMs, maxBackoffMs };
}

/**
 * The channel's settings for long-lived connections to a set of routers:
 * - round_robin over every address the target resolves to (each router pod behind the
 *   headless Service), instead of grpc-js's default pick_first, which sends all calls to one;
 * - the router closes connections after 5 minutes (max_connection_age), and a closed
 *   connection makes grpc-js resolve the name again, so new router pods get calls;
 * - keepalive pings, also between calls, find a dead connection (a node gone without a
 *   reset) before a call is sent on it;
 * - reconnect backoff from 100 ms capped at 1 s (grpc-js: 1 s to 120 s), so a restarted
 *   router gets calls again within a second: while no connection is up, grpc-js fails calls
 *   at once, and the call's retries only succeed once the channel has reconnected.
 */
export function channelOptionsOf(options: SlmFleetClientOptions, version: string): ChannelOptions {
  return {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    // The balancing above is the client's decision: no DNS TXT record may replace it.
    'grpc.service_config_disable_resolution': 1,
    'grpc.dns_min_time_between_resolutions_ms': 10_000,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1_000,
    'grpc.primary_user_agent': `slm-fleet-client/${version}`,
    ...options.channelOptions,
  };
}
