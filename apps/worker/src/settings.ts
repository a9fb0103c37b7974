import { hostname } from 'node:os';
import { specialistQueueName } from '@slm-fleet/queue';
import { checkAccessToken } from '@slm-fleet/service';

export interface WorkerOptions {
  host: string;
  httpPort: number;
  /** Redis holding the queues (secret by reference in a cluster: never logged). */
  redisUrl: string;
  redisCluster?: boolean;
  /** BullMQ `prefix` of every queue key (never an ioredis keyPrefix). */
  queuePrefix: string;
  /** namespace/name of the Specialist this worker serves. */
  specialist: string;
  /** The Specialist's queue; derived from `specialist` when unset. */
  queue?: string;
  /** Calls run at once. */
  concurrency: number;
  /** The engine's OpenAI-compatible base URL, including /v1. */
  engineUrl: string;
  /** Model to ask the engine for when a call names none. */
  model?: string;
  /**
   * The engine's API key, sent as `Authorization: Bearer` (an external endpoint's key). From the
   * environment only (SLM_FLEET_ENGINE_API_KEY, which the operator fills from the Specialist's
   * Secret): a flag would show it in `ps`. Never logged, and cut out of error messages.
   */
  engineApiKey?: string;
  /** Calls at once to the endpoint over all workers of the queue (BullMQ global concurrency). */
  endpointConcurrency?: number;
  /** Calls started per minute over all workers of the queue (BullMQ global rate limit). */
  requestsPerMinute?: number;
  /** Prompt and completion tokens per minute over all workers of the queue. */
  tokensPerMinute?: number;
  /** This replica's name in answers and logs; host:pid when unset. */
  replica?: string;
  /** On shutdown, how long in-flight calls may take to finish (ms) before they are handed back. */
  drainTimeout: number;
  /**
   * The bearer token `GET /drain` requires of every caller (SLM_FLEET_DRAIN_TOKEN; the operator
   * sets it and puts it in the preStop hooks). Unset: /drain answers only loopback callers.
   * Never logged.
   */
  drainToken?: string;
}

/** WorkerOptions with the defaults filled in. */
export interface WorkerSettings extends Omit<WorkerOptions, 'host' | 'httpPort' | 'queue' | 'replica'> {
  queue: string;
  replica: string;
}

export function resolveWorkerSettings(
  { host: _host, httpPort: _httpPort, ...options }: WorkerOptions,
  machine: { hostname: string; pid: number } = { hostname: hostname(), pid: process.pid },
): WorkerSettings {
  const [namespace, name, ...rest] = options.specialist.split('/');
  if (!namespace || !name || rest.length > 0) {
    throw new Error(`--specialist must be namespace/name, got "${options.specialist}"`);
  }
  if (options.drainToken !== undefined) checkAccessToken(options.drainToken, 'the drain token (SLM_FLEET_DRAIN_TOKEN)');
  if (options.engineApiKey !== undefined) checkApiKey(options.engineApiKey);
  return {
    ...options,
    queue: options.queue || specialistQueueName(namespace, name),
    replica: options.replica || `${machine.hostname}:${machine.pid}`,
  };
}

/**
 * Throws unless the key can travel in an `Authorization` header: 1 to 4096 visible ASCII
 * characters. No minimum length: engines on a private network take any key ("EMPTY"). The
 * message never holds the value.
 */
export function checkApiKey(key: string): void {
  if (!/^[\x21-\x7e]{1,4096}$/.test(key)) {
    throw new Error(
      `the engine API key (SLM_FLEET_ENGINE_API_KEY) must be 1 to 4096 visible ASCII characters without spaces ` +
        `(it is sent in an HTTP header); the value given (${key.length} characters) is not`,
    );
  }
}
