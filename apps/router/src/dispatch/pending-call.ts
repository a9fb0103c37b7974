import { CallFailure } from '@slm-fleet/calls';
import {
  answerOf,
  applyDelta,
  deltaBetween,
  emptyAnswer,
  type CallError,
  type CallReply,
  type CallResult,
  type PartialAnswer,
  type StreamDelta,
} from '@slm-fleet/queue';

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
 * or from a new attempt in the middle of a stream: what was already streamed (text and tool
 * calls) is never sent again, and a new attempt that says something different ends the call
 * instead of splicing.
 */
export class PendingCall {
  private streamed: PartialAnswer = emptyAnswer();
  private attempt: string | undefined;
  private attemptAnswer: PartialAnswer = emptyAnswer();
  private settled = false;
  private readonly done: Promise<CallResult>;
  private resolveDone!: (result: CallResult) => void;
  private rejectDone!: (failure: CallFailure) => void;
  /** When the router last asked Redis about this call's job (recovery of a lost reply). */
  lastCheckedAt: number;
  /** Queues the call's job again (same id) if Redis lost it; set once it was first queued. */
  requeue: (() => Promise<void>) | undefined;
  /** Set while the router takes the job back itself: a missing job is then not a lost one. */
  withdrawing = false;

  constructor(
    readonly callId: string,
    readonly jobId: string,
    readonly queueName: string,
    readonly specialist: string,
    readonly deadline: number,
    private readonly onDelta: ((delta: StreamDelta) => void) | undefined,
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
    if (reply.type === 'chunk') this.onChunk(reply.attempt, { text: reply.text, toolCalls: reply.toolCalls });
    else if (reply.type === 'done') this.complete(reply.result);
    else this.fail(failureOfCallError(reply.error, this.specialist));
    return true;
  }

  complete(result: CallResult): void {
    if (this.settled) return;
    // What never arrived as chunks (a reply lost, recovered from the job) goes out now.
    if (this.onDelta) {
      const rest = deltaBetween(this.streamed, answerOf(result.output, result.toolCalls));
      if (rest && rest !== 'diverged') this.forward(rest);
    }
    this.settled = true;
    this.resolveDone(result);
  }

  fail(failure: CallFailure): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectDone(failure);
  }

  private onChunk(attempt: string, delta: StreamDelta): void {
    if (!this.onDelta) return;
    if (attempt !== this.attempt) {
      this.attempt = attempt;
      this.attemptAnswer = emptyAnswer();
    }
    applyDelta(this.attemptAnswer, delta);
    const fresh = deltaBetween(this.streamed, this.attemptAnswer);
    // A new attempt still behind what was streamed is checked again as it catches up.
    if (fresh === 'diverged') {
      if (!isBehind(this.attemptAnswer, this.streamed)) this.interrupted();
      return;
    }
    if (fresh) this.forward(fresh);
  }

  private forward(delta: StreamDelta): void {
    applyDelta(this.streamed, delta);
    this.onDelta?.(delta);
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

/** Whether `attempt` is a prefix of `streamed` so far (a retry re-generating what was sent). */
function isBehind(attempt: PartialAnswer, streamed: PartialAnswer): boolean {
  const delta = deltaBetween(attempt, streamed);
  return delta !== 'diverged';
}
