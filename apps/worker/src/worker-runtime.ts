import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';
import { WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ModelsProbe, OpenAIClient } from '@slm-fleet/engines';
import {
  cancelChannel,
  coalesceWrites,
  connectRedis,
  logRedisErrors,
  type CallJobData,
  type CallResult,
  type RedisClient,
} from '@slm-fleet/queue';
import { ABORT } from './call-policy.js';
import type { CallHandler, CallProcessor } from './call-processor.js';
import type { EndpointLimits } from './endpoint-limits.js';
import { engineProblem, takesCalls, waitForEngine } from './engine-readiness.js';
import { GatedWorker } from './gated-worker.js';
import type { LookaheadGate } from './lookahead-gate.js';
import type { WorkerSettings } from './settings.js';

/**
 * Lock settings: a worker renews its jobs' locks every lockDuration/2; a killed worker's lock
 * lapses after 5 s and the next stalled check (every 2.5 s) puts its jobs back, so a call is
 * re-run within ~7.5 s, inside a 10 s deadline (at 10 s and 5 s it was ~15 s, and such calls
 * failed). A live worker would lose a lock only with its event loop blocked for 5 s. Two
 * stalls and the job fails rather than crash-loop the fleet.
 */
const LOCKS = { lockDuration: 5_000, stalledInterval: 2_500, maxStalledCount: 2 } as const;

/**
 * BullMQ honours a queue-wide pause (queue.rateLimit, after a 429) only in workers that have a
 * rate limit: with --requests-per-minute that one, else a limit no queue reaches. It costs an
 * INCR per job taken.
 */
const limiterOf = (requestsPerMinute: number | undefined) =>
  ({ max: requestsPerMinute ?? Number.MAX_SAFE_INTEGER, duration: 60_000 }) as const;

/** How a drain ended: `handedBack` calls still running at the drain timeout went back to the queue. */
export interface DrainReport {
  handedBack: number;
}

/**
 * The BullMQ worker of one specialist's queue: takes calls once the engine is ready, cancels
 * running calls on request, and on stop drains them within the drain timeout.
 */
export class WorkerRuntime {
  private readonly connection: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly worker: GatedWorker;
  private readonly stopping = new AbortController();
  private engineReady = false;
  private running: Promise<void> | undefined;
  private stopped: Promise<DrainReport> | undefined;
  private handedBack = 0;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly engine: Pick<OpenAIClient, 'probeModels' | 'close'>,
    private readonly handler: CallHandler,
    private readonly limits: Pick<EndpointLimits, 'apply' | 'close'>,
    private readonly logger: LoggerService,
    gate: LookaheadGate,
  ) {
    this.connection = connectRedis({
      url: settings.redisUrl,
      cluster: settings.redisCluster,
      connectionName: 'slm-fleet-worker',
    });
    // BullMQ's scripts for the calls in flight (finish-and-fetch, locks) leave in one write per
    // turn of the event loop: a write per script was the worker's largest CPU cost (decision 78).
    if (this.connection instanceof Redis) coalesceWrites(this.connection);
    // Subscribed connections can run nothing else, hence a connection of its own.
    this.subscriber = this.connection.duplicate();
    logRedisErrors(this.connection, logger, 'worker');
    logRedisErrors(this.subscriber, logger, 'worker-cancel-subscriber');
    // Three declared parameters: BullMQ passes the abort signal only to such processors.
    const processCall: CallProcessor = (job, token, signal) => this.process(job, token, signal);
    this.worker = new GatedWorker(
      settings.queue,
      processCall,
      {
        connection: this.connection,
        prefix: settings.queuePrefix,
        concurrency: settings.concurrency,
        // Not before the engine is ready: see start().
        autorun: false,
        limiter: limiterOf(settings.requestsPerMinute),
        ...LOCKS,
      },
      gate,
    );
    logRedisErrors(this.worker, logger, 'worker-queue');
    // The final reply, once BullMQ has stored the job's end (see createCallProcessor).
    this.worker.on('completed', (job, result) => handler.completed(job, result));
    this.worker.on('failed', (job) => {
      if (job) handler.failed(job);
    });
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      // Every worker of the specialist hears every cancel; only the one running the call acts.
      if (this.worker.cancelJob(jobId, ABORT.cancelled)) this.logger.log({ msg: 'cancelling call', callId: jobId });
    });
  }

  /** Starts in the background, so probes are served while Redis or the engine is away. */
  start(): void {
    void this.takeCalls().catch((error: unknown) =>
      this.logger.error({ msg: 'worker failed to start', error: String(error) }),
    );
  }

  /** The readiness check `engine`: loaded before the first call, answering since. */
  async checkEngine(): Promise<void> {
    // Not the engine's fault, but a drained worker has closed its engine client: say why at once.
    if (this.stopping.signal.aborted) throw new Error('draining: taking no new calls');
    if (!this.engineReady) throw new Error(`waiting for the engine at ${this.settings.engineUrl} to be ready`);
    const problem = engineProblem(await this.engine.probeModels());
    if (problem) throw new Error(problem);
  }

  /**
   * Drains: no new calls; in-flight ones get the drain timeout, then go back to the queue.
   * Idempotent: the pod's preStop (GET /drain) and the later SIGTERM share one drain.
   */
  stop(): Promise<DrainReport> {
    this.stopped ??= this.drain();
    return this.stopped;
  }

  private async process(
    job: Job<CallJobData, CallResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CallResult> {
    // close() does not stop a fetch already under way, so BullMQ may still hand us a job
    // just after the drain began: it goes back untouched, for a worker that stays.
    if (this.stopping.signal.aborted) {
      this.logger.log({ msg: 'call taken while draining; handed back untouched', callId: job.id });
      await job.moveToWait(token);
      throw new WaitingError();
    }
    try {
      return await this.handler.process(job, token, signal);
    } catch (error) {
      // The processor throws WaitingError once it has put a draining call back on the queue.
      if (error instanceof WaitingError) this.handedBack++;
      throw error;
    }
  }

  private async takeCalls(): Promise<void> {
    await this.subscriber.subscribe(cancelChannel(this.settings.queuePrefix));
    this.logger.log({ msg: 'waiting for the engine', engineUrl: this.settings.engineUrl });
    const last: { probe: ModelsProbe } = { probe: 'unreachable' };
    const probed = async (): Promise<boolean> => takesCalls((last.probe = await this.engine.probeModels()));
    if (!(await waitForEngine(probed, this.stopping.signal))) return;
    if (last.probe === 'unauthorized') {
      // Calls then fail at once with the endpoint's 401, which says why, rather than wait out their deadlines.
      this.logger.warn({ msg: 'the engine refuses the API key; calls will fail until it is fixed' });
    }
    await this.limits.apply();
    this.engineReady = true;
    this.logger.log({
      msg: 'engine ready; taking calls',
      queue: this.settings.queue,
      concurrency: this.settings.concurrency,
      replica: this.settings.replica,
    });
    this.running = this.worker.run();
  }

  private async drain(): Promise<DrainReport> {
    this.stopping.abort();
    this.logger.log({ msg: 'draining: no new calls', drainTimeoutMs: this.settings.drainTimeout });
    // close() stops fetching and resolves once the calls in flight have ended.
    const closing = this.worker.close();
    const timer = new AbortController();
    const finished = await Promise.race([
      closing.then(() => true),
      sleep(this.settings.drainTimeout, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!finished) {
      this.logger.log({ msg: 'drain timeout: handing calls back to the queue' });
      this.worker.cancelAllJobs(ABORT.draining);
      await closing;
    }
    await this.running;
    this.logger.log({ msg: 'drained', handedBack: this.handedBack });
    await this.limits.close();
    this.subscriber.disconnect();
    await this.connection.quit().catch(() => this.connection.disconnect());
    await this.engine.close();
    this.logger.log({ msg: 'worker closed' });
    return { handedBack: this.handedBack };
  }
}
