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
  return {
    ...options,
    queue: options.queue || specialistQueueName(namespace, name),
    replica: options.replica || `${machine.hostname}:${machine.pid}`,
  };
}
