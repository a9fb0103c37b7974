import { mergeDeltas, type CallReply, type StreamDelta } from '@slm-fleet/queue';
import { chunkReply } from './replies.js';

/**
 * Streams one engine attempt's text and tool calls to the router as `chunk` replies without a Redis round
 * trip per token: deltas that arrive in the same tick, or while the previous push is still
 * on its way, go out together as one chunk. One push at a time keeps the chunks in order.
 */
export class ChunkBatcher {
  private pending: StreamDelta[] = [];
  private seq = 0;
  private scheduled = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly callId: string,
    /** Unique to this attempt, so the router can drop the text of an attempt that failed. */
    private readonly attempt: string,
    private readonly send: (replies: CallReply[]) => Promise<void>,
    private readonly onSendError: (error: unknown) => void,
    private readonly nextTick: (callback: () => void) => void = setImmediate,
  ) {}

  /** Queues a piece of the answer; it goes out on the next tick at the latest. */
  add = (delta: StreamDelta): void => {
    this.pending.push(delta);
    this.schedule();
  };

  /** Sends whatever is queued and waits until every chunk has been pushed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight) {
        await this.inFlight;
        continue;
      }
      if (this.pending.length === 0) return;
      this.sendPending();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    this.nextTick(() => {
      this.scheduled = false;
      this.sendPending();
    });
  }

  private sendPending(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const reply = chunkReply(this.callId, this.attempt, this.seq++, mergeDeltas(this.pending));
    this.pending = [];
    this.inFlight = this.send([reply])
      // A lost chunk is not fatal: the done reply carries the whole output.
      .catch(this.onSendError)
      .finally(() => {
        this.inFlight = undefined;
        if (this.pending.length > 0) this.schedule();
      });
  }
}
