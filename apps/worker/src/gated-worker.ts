import { Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { CallJobData, CallResult } from '@slm-fleet/queue';
import type { LookaheadGate } from './lookahead-gate.js';

type CallJob = Job<CallJobData, CallResult>;

/**
 * A BullMQ worker whose fetches go through the look-ahead gate: its loop (concurrency = the
 * engine's slots) waits at the gate before each fetch, a completion fetches its successor in
 * the same round trip only when the gate allows, and a call near its end makes the worker take
 * the next call itself (a look-ahead, outside the loop) so the engine has it when the slot frees.
 *
 * It overrides two of BullMQ's hooks, `moveToActive` (every fetch of the loop) and `processJob`
 * (every job handled, with its fetch-next decision); both are part of BullMQ's Worker class
 * (protected and public). The worker-runtime tests cover drain, cancel and hand-back through them.
 */
export class GatedWorker extends Worker<CallJobData, CallResult> {
  private readonly lookaheads = new Set<Promise<void>>();
  private lookaheadCount = 0;

  constructor(
    name: string,
    processor: Processor<CallJobData, CallResult>,
    options: WorkerOptions,
    private readonly gate: LookaheadGate,
  ) {
    super(name, processor, options);
    gate.onLookahead = () => this.lookahead();
  }

  protected override async moveToActive(token: string, name?: string): Promise<CallJob> {
    const ticket = await this.gate.take();
    if (!ticket) {
      // Closed: an empty fetch, so BullMQ blocks for new work instead of asking again at once.
      // Not closed: a held call waits for this loop to start it; an empty answer lets it.
      return (
        this.gate.isClosed ? this.nextJobFromJobData(undefined, undefined, token) : undefined
      ) as Promise<CallJob>;
    }
    let job: CallJob | undefined;
    try {
      job = await super.moveToActive(token, name);
    } finally {
      ticket.fetched(job?.id);
    }
    return job;
  }

  override async processJob(
    job: CallJob,
    token: string,
    fetchNextCallback: () => boolean = () => true,
  ): ReturnType<Worker<CallJobData, CallResult>['processJob']> {
    const id = job.id as string;
    this.gate.started(id);
    let ticket: ReturnType<LookaheadGate['tryTake']>;
    try {
      const next = await super.processJob(job, token, () => {
        ticket = fetchNextCallback() ? this.gate.tryTake() : undefined;
        return ticket !== undefined;
      });
      ticket?.fetched(next ? next.id : undefined);
      return next;
    } finally {
      ticket?.fetched(undefined);
      this.gate.released(id);
    }
  }

  /** Stops look-aheads, lets those running finish (or be cancelled by the drain), then closes. */
  override async close(force = false): Promise<void> {
    this.gate.close();
    if (!force) await Promise.allSettled([...this.lookaheads]);
    return super.close(force);
  }

  /** Takes the next call while the engine's slots are still busy; its handling is BullMQ's, outside the loop. */
  private lookahead(): void {
    if (this.closing || this.isPaused() || !this.isRunning()) return;
    const ticket = this.gate.tryTake();
    if (!ticket) return;
    const token = `${this.id}:ahead-${this.lookaheadCount++}`;
    const run = (async () => {
      let job: CallJob | undefined;
      try {
        job = await super.moveToActive(token, this.opts.name);
      } finally {
        ticket.fetched(job?.id);
      }
      if (job) await this.processJob(job, token, () => false);
    })().catch((error: unknown) => void this.emit('error', error as Error));
    this.lookaheads.add(run);
    void run.finally(() => this.lookaheads.delete(run));
  }
}
