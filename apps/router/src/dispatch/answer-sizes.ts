import type { CallResult } from '@slm-fleet/queue';
import {
  answerLengthStats,
  fitServiceTimes,
  queueOrder,
  type AnswerLength,
  type AnswerLengthStats,
  type LengthParams,
  type QueueOrder,
  type ServiceFit,
  type ServicePoint,
} from '@slm-fleet/routing';

/** How many recent answers are kept per Specialist and per task on it. */
const RECENT_ANSWERS = 100;
/** How many answers may pass before the stats are computed again (every answer until then). */
const RECOMPUTE_EVERY = 10;

/** A ring of the last RECENT_ANSWERS values, with stats recomputed every RECOMPUTE_EVERY. */
class Recent<T, S> {
  private readonly values: T[] = [];
  private next = 0;
  private sinceComputed = 0;
  stats: S | undefined;

  constructor(private readonly compute: (values: readonly T[]) => S | undefined) {}

  add(value: T): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % RECENT_ANSWERS;
    // Sorting 100 numbers per answer is cheap, but not free at thousands of calls a second.
    if (this.values.length <= RECOMPUTE_EVERY || ++this.sinceComputed >= RECOMPUTE_EVERY) {
      this.stats = this.compute(this.values);
      this.sinceComputed = 0;
    }
  }
}

interface SpecialistAnswers {
  service: Recent<ServicePoint, ServiceFit>;
  tasks: Map<string, Recent<AnswerLength, AnswerLengthStats>>;
}

/**
 * What this router saw of recent answers, for the order of calls in a Specialist's queue
 * (libs/routing's queueOrder, shortest expected first with aging): per Specialist its last 100
 * (output tokens, service ms) pairs, fitted to a line; per task on it the lengths of its last
 * 100 answers and whether each ended by itself or at max_tokens. Bounded memory (the tasks and
 * Specialists of the routing table), and a call reads only cached stats.
 */
export class AnswerSizes {
  private readonly specialists = new Map<string, SpecialistAnswers>();

  observe(specialist: string, task: string, result: CallResult): void {
    const tokens = result.usage?.completionTokens;
    if (!(typeof tokens === 'number' && tokens >= 0 && Number.isFinite(tokens))) return;
    let entry = this.specialists.get(specialist);
    if (!entry) {
      entry = { service: new Recent(fitServiceTimes), tasks: new Map() };
      this.specialists.set(specialist, entry);
    }
    let lengths = entry.tasks.get(task);
    if (!lengths) {
      lengths = new Recent(answerLengthStats);
      entry.tasks.set(task, lengths);
    }
    lengths.add({ tokens, natural: result.finishReason !== 'length' });
    const serviceMs = result.timings?.serviceMs;
    if (typeof serviceMs === 'number' && serviceMs >= 0) entry.service.add({ tokens, serviceMs });
  }

  /** Where a call of `task` goes in `specialist`'s queue, and when it is promoted. */
  order(specialist: string, task: string, taskPriority: number, params: LengthParams, budgetMs: number): QueueOrder {
    const entry = this.specialists.get(specialist);
    return queueOrder({
      taskPriority,
      params,
      lengths: entry?.tasks.get(task)?.stats,
      service: entry?.service.stats,
      budgetMs,
    });
  }
}
