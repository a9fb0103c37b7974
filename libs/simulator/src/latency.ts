/** The simulator's latency model, in milliseconds. */
export interface LatencySettings {
  /** Time to first token, counted from when the request enters the batch. */
  ttft: number;
  /** Time per output token after the first, for a request alone in the batch. */
  tpot: number;
  /** 0..1: each other request in the batch adds this fraction of tpot to every token. */
  batchSlowdown: number;
}

/**
 * Time between two tokens of one request when `batchSize` requests generate together. A GPU
 * engine decodes the whole batch in one step, so larger batches make every step slower.
 */
export function tokenDelay(settings: LatencySettings, batchSize: number): number {
  return settings.tpot * (1 + settings.batchSlowdown * Math.max(0, batchSize - 1));
}

/**
 * When each token of one answer is due. The clock is passed in, so the schedule is pure: the
 * caller asks how many tokens are due now, writes them as one batch, and sleeps until
 * `nextDueAt`. Tokens due at the same instant come out together, and a zero latency makes
 * every token due at once.
 */
export class TokenSchedule {
  private emitted = 0;
  private nextDue: number;

  constructor(
    private readonly total: number,
    startedAt: number,
    ttft: number,
  ) {
    this.nextDue = startedAt + ttft;
  }

  /** How many more tokens are due at `now`; `delay` spaces the ones after them. */
  take(now: number, delay: number): number {
    const before = this.emitted;
    while (this.emitted < this.total && this.nextDue <= now) {
      this.emitted++;
      this.nextDue += delay;
    }
    return this.emitted - before;
  }

  get emittedCount(): number {
    return this.emitted;
  }

  get done(): boolean {
    return this.emitted >= this.total;
  }

  /** When the next token is due; meaningless once done. */
  get nextDueAt(): number {
    return this.nextDue;
  }

  /**
   * When the last token is due if `delay` stays as it is. A caller with nothing to write per
   * token (a non-streamed answer) sleeps until then instead of waking for every token; if the
   * batch changed meanwhile, take() hands out fewer tokens and the caller sleeps again.
   */
  lastDueAt(delay: number): number {
    return this.nextDue + Math.max(0, this.total - this.emitted - 1) * delay;
  }
}
