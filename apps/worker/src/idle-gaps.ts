/**
 * The time an engine slot stays free while a call waits for it: from the end of one call to
 * the start of the next, counted only when that next call was queued before the slot freed.
 * A slot that idles because the queue is empty is not a gap: nothing was waiting. Push
 * disciplines pay no such gap, so it is the pull design's own cost on every call of a busy
 * queue (the completion's round trip, the fetch of the next job, the event loop's delay). A
 * call taken ahead (while every slot was busy) waits in the engine and takes the next slot to
 * free at once: a gap of 0.
 */
export class IdleGaps {
  /** Slots freed and not yet reused, oldest first: a call starting now takes the oldest. */
  private readonly freed: { at: number; epochMs: number }[] = [];
  private running = 0;
  /** Calls started while every slot was busy: queued in the engine for the next free slot. */
  private ahead = 0;

  constructor(private readonly slots: number) {}

  /**
   * A call starts: the gap in ms if it takes a slot that freed after the call was queued;
   * undefined for a slot's first use, a queue that was empty, or a call taken ahead.
   */
  callStarted(enqueuedAtEpochMs: number, at = performance.now()): number | undefined {
    this.running++;
    if (this.running > this.slots) {
      this.ahead++;
      return undefined;
    }
    const slot = this.freed.shift();
    if (!slot || enqueuedAtEpochMs > slot.epochMs) return undefined;
    return Math.max(0, at - slot.at);
  }

  /** A call ended (answered, failed or handed back): 0 if a call taken ahead takes its slot at once. */
  callEnded(at = performance.now(), epochMs = Date.now()): number | undefined {
    this.running = Math.max(0, this.running - 1);
    if (this.ahead > 0) {
      this.ahead--;
      return 0;
    }
    this.freed.push({ at, epochMs });
    // More frees than slots happen only if a start went unseen; keep the latest.
    if (this.freed.length > this.slots) this.freed.shift();
    return undefined;
  }
}
