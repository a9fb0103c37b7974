import { CallFailure } from '@slm-fleet/calls';
import type { CallError, CallReply, CallResult } from '@slm-fleet/queue';

/** How a worker-side CallError reaches the caller. */
export function failureOfCallError(error: CallError, specialist: string): CallFailure {
  switch (error.kind) {
    case 'deadline':
      return new CallFailure('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', `${specialist}: ${error.message}`);
    case 'cancelled':
      return new CallFailure('CANCELLED', 'CANCELLED', `${specialist}: ${error.message}`);
    case 'invalid':
      return new CallFailure(
        'INVALID_ARGUMENT',
        'ENGINE_REJECTED',
        `the engine of ${specialist} rejected the request: ${error.message}`,
      );
    case 'engine':
      return new CallFailure(
        'UNAVAILABLE',
        'SPECIALIST_FAILED',
        `${specialist} failed the call after its retries: ${error.message}; retry later (with the same idempotency key)`,
      );
  }
}

/**
 * One call waiting for its answer. Replies may come twice (a job re-run after a worker died)
 * or from a new attempt in the middle of a stream: the text already streamed is never sent
 * again, and a new attempt that says something different ends the call instead of splicing.
 */
export class PendingCall {
  private streamed = '';
  private attempt: string | undefined;
  private attemptText = '';
  private settled = false;
  private readonly done: Promise<CallResult>;
  private resolveDone!: (result: CallResult) => void;
  private rejectDone!: (failure: CallFailure) => void;
  /** When the router last asked Redis about this call's job (recovery of a lost reply). */
  lastCheckedAt: number;

  constructor(
    readonly callId: string,
    readonly jobId: string,
    readonly queueName: string,
    readonly specialist: string,
    readonly deadline: number,
    private readonly onDelta: ((text: string) => void) | undefined,
    now: number,
  ) {
    this.lastCheckedAt = now;
    this.done = new Promise<CallResult>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A caller that gave up never reads it; do not report the rejection as unhandled.
    this.done.catch(() => undefined);
  }

  get result(): Promise<CallResult> {
    return this.done;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** Applies a worker's reply; returns false once the call is settled (the reply is late). */
  onReply(reply: CallReply): boolean {
    if (this.settled) return false;
    if (reply.type === 'chunk') this.onChunk(reply.attempt, reply.text);
    else if (reply.type === 'done') this.complete(reply.result);
    else this.fail(failureOfCallError(reply.error, this.specialist));
    return true;
  }

  complete(result: CallResult): void {
    if (this.settled) return;
    // Text that never arrived as chunks (a reply lost, recovered from the job) goes out now.
    if (this.onDelta && result.output.startsWith(this.streamed) && result.output.length > this.streamed.length) {
      this.onDelta(result.output.slice(this.streamed.length));
    }
    this.settled = true;
    this.resolveDone(result);
  }

  fail(failure: CallFailure): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectDone(failure);
  }

  private onChunk(attempt: string, text: string): void {
    if (!this.onDelta) return;
    if (attempt !== this.attempt) {
      this.attempt = attempt;
      this.attemptText = '';
    }
    this.attemptText += text;
    if (this.attemptText.length <= this.streamed.length) {
      if (!this.streamed.startsWith(this.attemptText)) this.interrupted();
      return;
    }
    if (!this.attemptText.startsWith(this.streamed)) return this.interrupted();
    const fresh = this.attemptText.slice(this.streamed.length);
    this.streamed = this.attemptText;
    this.onDelta(fresh);
  }

  private interrupted(): void {
    this.fail(
      new CallFailure(
        'UNAVAILABLE',
        'STREAM_INTERRUPTED',
        `the replica of ${this.specialist} streaming this answer failed, and the retry generated different text; call again`,
      ),
    );
  }
}
