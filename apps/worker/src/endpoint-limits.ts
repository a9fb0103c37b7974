import type { LoggerService } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { RedisClient } from '@slm-fleet/queue';
import { TOKEN_WINDOW_TTL_SECONDS, tokenBudgetWaitMs, tokenWindow, tokenWindowKey } from './token-budget.js';

/** The budgets of one endpoint, shared by every worker of its queue (the worker's flags). */
export interface EndpointBudgets {
  /** Calls at once over all workers (BullMQ global concurrency). */
  endpointConcurrency?: number;
  /** Calls started per minute over all workers (BullMQ global rate limit). */
  requestsPerMinute?: number;
  /** Prompt plus completion tokens per minute over all workers (a Redis counter per minute). */
  tokensPerMinute?: number;
}

/** What the call processor needs from the limits. */
export interface CallLimits {
  /** How long before a call may start under the token budget (0: now). */
  tokenWaitMs(now: number): Promise<number>;
  /** Counts an answered call's tokens in the current window. */
  spendTokens(tokens: number, now: number): Promise<void>;
  /** No worker of the queue starts a call for `ms` (BullMQ's queue.rateLimit). */
  pauseQueue(ms: number): Promise<void>;
}

/**
 * An endpoint's budgets, kept in Redis so that every worker of the queue honours them: they
 * are per Specialist queue, that is per endpoint and key. BullMQ enforces the concurrency and
 * requests per minute when a worker takes a job; the token budget is checked here before each
 * call, and a 429 pauses the whole queue.
 */
export class EndpointLimits implements CallLimits {
  private readonly queue: Queue;

  constructor(
    private readonly redis: RedisClient,
    private readonly settings: EndpointBudgets & { queue: string; queuePrefix: string },
    private readonly logger: LoggerService,
  ) {
    // A Queue only for its queue-wide settings: it shares the connection, and adds no jobs.
    this.queue = new Queue(settings.queue, { connection: redis, prefix: settings.queuePrefix });
    this.queue.on('error', (error) => logger.error({ msg: 'queue settings connection error', error: String(error) }));
  }

  /**
   * Writes the concurrency and request budgets into the queue's metadata, or removes them when
   * this worker has none: the flags of the workers starting now are the truth, so a budget
   * dropped from the Specialist does not linger in Redis.
   */
  async apply(): Promise<void> {
    const { endpointConcurrency, requestsPerMinute, tokensPerMinute } = this.settings;
    if (endpointConcurrency === undefined) await this.queue.removeGlobalConcurrency();
    else await this.queue.setGlobalConcurrency(endpointConcurrency);
    if (requestsPerMinute === undefined) await this.queue.removeGlobalRateLimit();
    else await this.queue.setGlobalRateLimit(requestsPerMinute, 60_000);
    if (endpointConcurrency ?? requestsPerMinute ?? tokensPerMinute) {
      this.logger.log({ msg: 'endpoint budgets', endpointConcurrency, requestsPerMinute, tokensPerMinute });
    }
  }

  async tokenWaitMs(now: number): Promise<number> {
    const budget = this.settings.tokensPerMinute;
    if (budget === undefined) return 0;
    const used = Number(await this.redis.get(this.windowKey(now))) || 0;
    return tokenBudgetWaitMs(used, budget, now);
  }

  async spendTokens(tokens: number, now: number): Promise<void> {
    if (this.settings.tokensPerMinute === undefined || tokens <= 0) return;
    const key = this.windowKey(now);
    await this.redis.multi().incrby(key, tokens).expire(key, TOKEN_WINDOW_TTL_SECONDS).exec();
  }

  async pauseQueue(ms: number): Promise<void> {
    await this.queue.rateLimit(ms);
    // BullMQ 6.7 puts a prioritized job back (pushBackJobWithPriority) without the marker that
    // wakes idle workers, so they would sleep out their drainDelay (5 s) past the pause. Add it
    // as BullMQ does for the plain wait list: a woken worker reads the pause, sleeps exactly
    // until it ends, then takes the job.
    await this.redis.zadd(this.queue.toKey('marker'), 0, '0');
  }

  /** Closes the Queue object; the shared connection stays open for its owner to close. */
  async close(): Promise<void> {
    await this.queue.close();
  }

  private windowKey(now: number): string {
    return tokenWindowKey(this.settings.queuePrefix, this.settings.queue, tokenWindow(now));
  }
}
