import type { ServerResponse } from 'node:http';
import {
  type AnswerPlan,
  ChunkStream,
  type ChatRequest,
  type CompletionMeta,
  TokenSchedule,
  chatCompletion,
  tokenDelay,
} from '@slm-fleet/simulator';
import { sendJson } from './http-io.js';
import type { BatchMember, SimulatedEngine } from './simulated-engine.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/**
 * One request in the engine: waits for a batch slot, then emits its planned tokens on the
 * latency model's schedule, streamed as SSE or answered as one JSON body at the end. A hung
 * request takes its slot and never says anything. Every path out (answered, client gone,
 * simulator stopping) releases the slot exactly once.
 */
export class Generation implements BatchMember {
  private readonly chunks: ChunkStream | undefined;
  private schedule: TokenSchedule | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly engine: SimulatedEngine,
    private readonly res: ServerResponse,
    private readonly request: ChatRequest,
    private readonly plan: AnswerPlan,
    private readonly meta: CompletionMeta,
    private readonly hangs: boolean,
  ) {
    this.chunks = request.stream ? new ChunkStream(meta, request.includeUsage) : undefined;
    res.on('close', this.onClose);
  }

  start(): void {
    if (this.hangs || this.finished) return;
    this.schedule = new TokenSchedule(this.plan.tokens.length, Date.now(), this.engine.switches.ttft);
    if (this.chunks) {
      this.res.writeHead(200, SSE_HEADERS);
      this.step(this.chunks.role());
    } else {
      this.step('');
    }
  }

  cut(): void {
    this.finish();
    this.res.destroy();
  }

  /** Emits the tokens due now in one write, then sleeps until the next one is due. */
  private readonly step = (pending = ''): void => {
    const schedule = this.schedule;
    if (!schedule || this.finished) return;
    this.timer = undefined;
    const now = Date.now();
    const from = schedule.emittedCount;
    const delay = tokenDelay(this.engine.switches, this.engine.batchSize);
    const due = schedule.take(now, delay);
    let text = pending;
    if (this.chunks && due > 0) text += this.chunks.tokens(this.plan, from, from + due);
    if (schedule.done) {
      this.answer(text);
      return;
    }
    if (text !== '') this.res.write(text);
    // A streamed answer wakes for each token; a plain one only when its last token is due.
    const wakeAt = this.chunks ? schedule.nextDueAt : schedule.lastDueAt(delay);
    this.timer = setTimeout(this.step, Math.max(0, wakeAt - now));
  };

  private answer(lastChunks: string): void {
    const { plan, request } = this;
    this.finish();
    this.engine.counters.completed++;
    if (this.chunks) {
      this.res.end(lastChunks + this.chunks.end(plan.finishReason, request.promptTokens, plan.tokens.length));
    } else {
      sendJson(this.res, 200, chatCompletion(this.meta, plan, request.promptTokens));
    }
  }

  /** 'close' also follows a complete answer; only an earlier one means the client left. */
  private readonly onClose = (): void => {
    if (this.finished) return;
    this.finish();
    this.engine.counters.disconnected++;
  };

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.engine.release(this);
  }
}
