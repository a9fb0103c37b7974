import type { LoggerService } from '@nestjs/common';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

/** How one run of the handler for a key ended; also the `result` label of the reconcile metrics. */
export type ProcessOutcome = 'success' | 'error' | 'requeue';

/** A handler may ask to see the key again later (polling something that has no watch). */
export interface ProcessResult {
  requeueAfterMs?: number;
}

/** Resolves (with a result, or nothing) when the key is handled; throws to have it retried. */
export type KeyHandler = (key: string) => Promise<void> | Promise<ProcessResult | undefined>;

/** Observation points for metrics; every hook is optional. */
export interface WorkQueueHooks {
  /** The number of keys waiting for a worker (not delayed ones, not in-flight ones) changed. */
  depthChanged?(depth: number): void;
  /** A handler run finished; `seconds` is its duration on the queue's clock. */
  processed?(outcome: ProcessOutcome, seconds: number): void;
  /** A key was scheduled for a retry after a failure. */
  retried?(): void;
}

export interface WorkQueueOptions {
  /** Names the queue in logs (the controller's name). */
  name: string;
  clock?: Clock;
  backoff?: Partial<BackoffOptions>;
  /** The jitter source, in [0, 1); tests pin it. */
  random?: () => number;
  hooks?: WorkQueueHooks;
  logger?: LoggerService;
}

/**
 * A keyed work queue in the manner of client-go's: a key is queued at most once however often
 * it is added, and handled by at most one worker at a time. A key added while it is being handled
 * is handled once more afterwards, so no change is missed and none is handled concurrently.
 * Failures are retried with per-key exponential backoff until the key succeeds (`forget`).
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  /** Keys that need a run: queued in `ready`, or added again while in `processing`. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, { dueAt: number; timer: TimerHandle }>();
  private readonly failures = new Map<string, number>();
  private readonly idleWorkers: ((key: string | undefined) => void)[] = [];
  private readonly workers: Promise<void>[] = [];
  private readonly clock: Clock;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions) {
    this.clock = options.clock ?? systemClock;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  /** Queues the key unless it is already queued. Ignored after shutdown. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // A key in flight is queued again when its run finishes (see finish()), not now.
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.dispatch();
  }

  /** Queues the key after `ms`; if it is already waiting to be added sooner, that wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const dueAt = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.dueAt <= dueAt) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { dueAt, timer });
  }

  /** Queues the key after its next backoff delay: one more failure for this key. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.options.hooks?.retried?.();
    this.addAfter(key, backoffDelay(failures, this.backoff, this.random));
  }

  /** Resets the key's failure count, so its next failure starts again from the base delay. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Failures counted for the key since it last succeeded. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys waiting for a worker. */
  get depth(): number {
    return this.ready.length;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Starts `concurrency` workers that take keys and run the handler. A run that throws is
   * retried with backoff; one that returns is forgotten (and requeued if it asks).
   */
  run(handler: KeyHandler, concurrency = 1): void {
    if (this.shuttingDown) throw new Error(`work queue ${this.options.name} is shut down`);
    for (let i = 0; i < concurrency; i++) this.workers.push(this.work(handler));
  }

  /**
   * Takes no new keys (queued, delayed and later-added keys are dropped: the next leader's
   * initial list covers them) and resolves once every in-flight run has finished.
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    this.dirty.clear();
    this.reportDepth();
    for (const wake of this.idleWorkers.splice(0)) wake(undefined);
    await Promise.all(this.workers);
  }

  private async work(handler: KeyHandler): Promise<void> {
    for (;;) {
      const key = await this.next();
      if (key === undefined) return;
      await this.process(key, handler);
    }
  }

  private next(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.idleWorkers.push(resolve));
  }

  private async process(key: string, handler: KeyHandler): Promise<void> {
    const startedAt = this.clock.now();
    let outcome: ProcessOutcome;
    try {
      const requeueAfterMs = (await handler(key))?.requeueAfterMs;
      this.forget(key);
      if (requeueAfterMs !== undefined) {
        this.addAfter(key, requeueAfterMs);
        outcome = 'requeue';
      } else {
        outcome = 'success';
      }
    } catch (error) {
      outcome = 'error';
      this.addRateLimited(key);
      this.options.logger?.warn({
        msg: 'handler failed; retrying with backoff',
        queue: this.options.name,
        key,
        failures: this.numRequeues(key),
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.finish(key);
    this.options.hooks?.processed?.(outcome, (this.clock.now() - startedAt) / 1000);
  }

  private finish(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.ready.push(key);
      this.dispatch();
    }
  }

  /** Moves the oldest ready key to `processing`. */
  private take(): string | undefined {
    const key = this.ready.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    this.reportDepth();
    return key;
  }

  /** Hands ready keys to idle workers. */
  private dispatch(): void {
    while (this.idleWorkers.length > 0 && this.ready.length > 0) {
      const key = this.take();
      const wake = this.idleWorkers.shift();
      if (key !== undefined && wake) wake(key);
    }
    this.reportDepth();
  }

  private reportDepth(): void {
    this.options.hooks?.depthChanged?.(this.ready.length);
  }
}
