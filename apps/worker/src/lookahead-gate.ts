import {
  endsWithinLead,
  leadMsOf,
  msUntilLead,
  mayTakeNext,
  nextMeanFetchMs,
  type CallProgress,
  type TakeState,
} from './lookahead-policy.js';

/** A fetch under way: `fetched` ends it, with the job id it brought, if any. */
export interface Ticket {
  fetched(jobId: string | undefined): void;
}

/**
 * The worker's count of the calls it holds and how far along each is, deciding (with
 * mayTakeNext) when its next fetch may go. BullMQ's loop waits in `take()` before each fetch;
 * progress and ends wake it. See lookahead-policy.ts for why.
 */
export class LookaheadGate {
  /** Calls held, by job id: fetched and not yet finished in BullMQ. */
  private readonly held = new Map<string, CallProgress>();
  /** Held calls whose processing has not started (BullMQ hands them over one by one). */
  private unstarted = 0;
  private fetching = 0;
  private meanFetchMs: number | undefined;
  /** When each held call's fetch began, until its processing begins. */
  private readonly fetchedSince = new Map<string, number>();
  private waiters: (() => void)[] = [];
  /** Per held call, a look again at when its end comes within the lead between two tokens. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  /** Called when a held call nears its end and no fetch waits: take the next call now. */
  onLookahead: () => void = () => undefined;

  constructor(
    private readonly slots: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  private state(): TakeState {
    return {
      held: [...this.held.values()],
      fetching: this.fetching,
      slots: this.slots,
      leadMs: leadMsOf(this.meanFetchMs),
      now: this.now(),
    };
  }

  /**
   * A fetch now, if one may go (BullMQ's fetch-next on completion, a look-ahead); `fetched`
   * ends it. Counted at once, so a waiting fetch that wakes next sees it.
   */
  tryTake(): Ticket | undefined {
    return !this.closed && mayTakeNext(this.state()) ? this.ticket() : undefined;
  }

  /**
   * Resolves when a fetch may go, counting it as under way (`fetched` ends it), or false at
   * once when waiting could deadlock (a held call is still to be started by the loop that
   * waits here) or the gate is closed.
   */
  async take(): Promise<Ticket | false> {
    for (;;) {
      if (this.closed || this.unstarted > 0) return false;
      if (mayTakeNext(this.state())) return this.ticket();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private ticket(): Ticket {
    this.fetching++;
    const started = this.now();
    let done = false;
    return {
      fetched: (jobId) => {
        if (done) return;
        done = true;
        this.fetching--;
        if (jobId !== undefined && !this.held.has(jobId)) {
          this.held.set(jobId, { tokens: 0, ended: false });
          this.unstarted++;
          this.fetchedSince.set(jobId, started);
        }
        this.poke(false);
      },
    };
  }

  /** BullMQ starts handling a held call. */
  started(jobId: string): void {
    if (this.held.has(jobId) && this.unstarted > 0) this.unstarted--;
  }

  /** The call's processing began: its max_tokens makes its end predictable. */
  begin(jobId: string, maxTokens: number | undefined): void {
    // A fetch lasts until its call reaches the engine: the round trip, then BullMQ and the
    // processor handing it over. That whole time is what a look-ahead must be early by.
    const fetchedAt = this.fetchedSince.get(jobId);
    if (fetchedAt !== undefined) {
      this.fetchedSince.delete(jobId);
      this.meanFetchMs = nextMeanFetchMs(this.meanFetchMs, this.now() - fetchedAt);
    }
    const call = this.held.get(jobId);
    if (call && maxTokens !== undefined) call.maxTokens = maxTokens;
  }

  /** A token (stream delta) of a held call arrived. */
  progress(jobId: string): void {
    const call = this.held.get(jobId);
    if (!call) return;
    const now = this.now();
    call.firstTokenAt ??= now;
    call.lastTokenAt = now;
    call.tokens++;
    this.clearTimer(jobId);
    const leadMs = leadMsOf(this.meanFetchMs);
    // Only a call near its end can open the gate: the whole count is taken only then.
    if (endsWithinLead(call, leadMs, now)) this.poke(true);
    else this.lookAgain(jobId, call, leadMs, now);
  }

  /** Tokens further apart than the lead: look again when the end comes within it. */
  private lookAgain(jobId: string, call: CallProgress, leadMs: number, now: number): void {
    const inMs = msUntilLead(call, leadMs, now);
    if (inMs === undefined) return;
    const timer = setTimeout(() => {
      this.timers.delete(jobId);
      if (call.ended) return;
      call.dueNow = true;
      this.poke(true);
    }, Math.ceil(inMs));
    timer.unref();
    this.timers.set(jobId, timer);
  }

  private clearTimer(jobId: string): void {
    const timer = this.timers.get(jobId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(jobId);
  }

  /**
   * The call's engine work is over (answered, failed or handed back): its slot is free. A
   * waiting fetch is woken only once BullMQ has finished the job (`released`): the completion
   * fetches the successor itself, in the same round trip, when it may.
   */
  ended(jobId: string): void {
    const call = this.held.get(jobId);
    if (call) call.ended = true;
    this.clearTimer(jobId);
  }

  /** BullMQ finished with the call (stored its end). */
  released(jobId: string): void {
    this.held.delete(jobId);
    this.fetchedSince.delete(jobId);
    this.clearTimer(jobId);
    this.poke(false);
  }

  /** Stops: waiting fetches give up. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.wake();
  }

  /**
   * After a change: a waiting fetch goes if it may; with none waiting, a call near its end
   * (`lookahead`: on progress only) asks for its follower. An ended call does not: BullMQ
   * fetches the next call with the completion itself, in the same round trip.
   */
  private poke(lookahead: boolean): void {
    if (this.closed) return;
    if (this.waiters.length > 0) {
      // A held call still to be started: the waiting loop must give up and start it.
      if (this.unstarted > 0 || mayTakeNext(this.state())) this.wake();
    } else if (
      lookahead &&
      // With a slot free BullMQ's own loop is fetching: a look-ahead is for busy slots only.
      this.held.size >= this.slots &&
      this.fetching === 0 &&
      this.unstarted === 0 &&
      mayTakeNext(this.state())
    ) {
      this.onLookahead();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
