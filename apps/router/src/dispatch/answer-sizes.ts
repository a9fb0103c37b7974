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
import { RecentWindow } from './recent-window.js';

/** How many recent answers are kept per Specialist and per task on it. */
const RECENT_ANSWERS = 100;

interface SpecialistAnswers {
  service: RecentWindow<ServicePoint, ServiceFit>;
  tasks: Map<string, RecentWindow<AnswerLength, AnswerLengthStats>>;
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
      entry = { service: new RecentWindow(RECENT_ANSWERS, fitServiceTimes), tasks: new Map() };
      this.specialists.set(specialist, entry);
    }
    let lengths = entry.tasks.get(task);
    if (!lengths) {
      lengths = new RecentWindow(RECENT_ANSWERS, answerLengthStats);
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
