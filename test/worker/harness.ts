// A worker test bed: a real Redis (the suite's key prefix), the engine simulator, workers
// started in-process, and a BullMQ Queue that enqueues calls exactly as the router does.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { startEngineSim, type EngineSimOptions } from '@slm-fleet/engine-sim';
import {
  CALL_JOB_NAME,
  CALL_PROTOCOL_VERSION,
  callJobOptions,
  replyListKey,
  specialistQueueName,
  type CallJobData,
  type CallReply,
  type CallResult,
} from '@slm-fleet/queue';
import type { RunningService } from '@slm-fleet/service';
import { SIMULATOR_DEFAULTS, type SimStats, type SimulatorSettings } from '@slm-fleet/simulator';
import { useSuiteEnv, type SuiteEnv } from '@slm-fleet/testing';
import { startWorker, type WorkerOptions } from '@slm-fleet/worker';

export const SIM_MODEL = SIMULATOR_DEFAULTS.model;

export type SimOptions = Omit<SimulatorSettings, 'model'> & Pick<EngineSimOptions, 'apiKeyEnv' | 'profile'>;

/** The switches of POST /sim/faults. */
type SimSwitches = Omit<
  SimulatorSettings,
  'model' | 'maxBatch' | 'batchSlowdown' | 'outputTokens' | 'slowStart' | 'seed'
>;

export interface Sim {
  service: RunningService;
  url: string;
  stats: () => Promise<SimStats>;
  faults: (faults: Partial<SimSwitches>) => Promise<void>;
}

let beds = 0;

/** One test's queue, reply list and Redis connection; `close` stops all it started. */
export class WorkerTestBed {
  readonly prefix: string;
  readonly specialist: string;
  readonly queue: Queue<CallJobData, CallResult>;
  readonly replyTo: string;
  private readonly redis: Redis;
  private readonly services: RunningService[] = [];

  constructor(private readonly env: SuiteEnv) {
    // The suite's prefix without its trailing colon: BullMQ adds one.
    this.prefix = env.redisPrefix.replace(/:$/, '');
    const name = `s${++beds}`;
    this.specialist = `${env.namespace}/${name}`;
    this.queue = new Queue(specialistQueueName(env.namespace, name), {
      connection: env.redis(),
      prefix: this.prefix,
    });
    this.replyTo = replyListKey(this.prefix, `test-router-${beds}`);
    this.redis = env.redis();
  }

  async startSim(options: Partial<SimOptions> = {}): Promise<Sim> {
    const service = await startEngineSim({ host: '127.0.0.1', httpPort: 0, ...SIMULATOR_DEFAULTS, ...options });
    this.services.push(service);
    const base = `http://127.0.0.1:${service.port}`;
    return {
      service,
      url: `${base}/v1`,
      stats: async () => (await (await fetch(`${base}/sim/stats`)).json()) as SimStats,
      faults: async (faults) => {
        const response = await fetch(`${base}/sim/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(faults),
        });
        if (!response.ok) throw new Error(`POST /sim/faults: ${response.status} ${await response.text()}`);
      },
    };
  }

  async startWorker(sim: Sim, options: Partial<WorkerOptions> = {}): Promise<RunningService> {
    const worker = await startWorker({
      host: '127.0.0.1',
      httpPort: 0,
      redisUrl: this.env.redisUrl,
      queuePrefix: this.prefix,
      specialist: this.specialist,
      concurrency: 4,
      engineUrl: sim.url,
      model: SIM_MODEL,
      drainTimeout: 10_000,
      ...options,
    });
    this.services.push(worker);
    return worker;
  }

  /** Queues a call as the router does: job name `call`, job id = call id. */
  async enqueue(
    data: Partial<CallJobData> = {},
    jobOptions: { attempts?: number; priority?: number } = {},
  ): Promise<CallJobData> {
    const callId = randomUUID();
    const now = Date.now();
    const call: CallJobData = {
      v: CALL_PROTOCOL_VERSION,
      callId,
      task: `${this.env.namespace}/task`,
      specialist: this.specialist,
      messages: [{ role: 'user', content: 'Say something.' }],
      params: { max_tokens: 16 },
      deadline: now + 60_000,
      enqueuedAt: now,
      stream: false,
      replyTo: this.replyTo,
      retries: 0,
      ...data,
    };
    await this.queue.add(CALL_JOB_NAME, call, { ...callJobOptions(callId), ...jobOptions });
    return call;
  }

  /** The next reply on this bed's reply list (BLPOP); throws when none comes. */
  async nextReply(timeoutSeconds = 30): Promise<CallReply> {
    const popped = await this.redis.blpop(this.replyTo, timeoutSeconds);
    if (!popped) throw new Error(`no reply on ${this.replyTo} within ${timeoutSeconds}s`);
    return JSON.parse(popped[1]) as CallReply;
  }

  /** Replies up to and including the final one (done or error). */
  async repliesUntilFinal(): Promise<CallReply[]> {
    const replies: CallReply[] = [];
    for (;;) {
      const reply = await this.nextReply();
      replies.push(reply);
      if (reply.type !== 'chunk') return replies;
    }
  }

  /** Replies already on the list, without waiting. */
  async pendingReplies(): Promise<CallReply[]> {
    return (await this.redis.lrange(this.replyTo, 0, -1)).map((text) => JSON.parse(text) as CallReply);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async close(): Promise<void> {
    for (const service of this.services.reverse()) await service.stop();
    await this.queue.close();
  }
}

/**
 * A suite's environment (`useSuiteEnv(name)`) and a function that gives the running test a
 * new bed, closed after the test.
 */
export function useWorkerTestBeds(name: string): () => WorkerTestBed {
  const env = useSuiteEnv(name);
  let bed: WorkerTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });
  return () => (bed = new WorkerTestBed(env()));
}

/** GET a path of a service; its status and JSON body. */
export async function getJson(service: RunningService, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${service.port}${path}`);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text (metrics)
  }
  return { status: response.status, body };
}
