// Where a routed call's time went, from the Timings the router returns with each answer: queue
// (enqueue to a worker taking it), service (in the worker, engine call included) and the
// router's total; the client's own latency minus that total is gRPC and the two event loops.
import type { InvokeResponse } from '@slm-fleet/proto';
import { summarize, type Summary } from './stats.js';

export interface RouterTimings {
  queueMs: Summary;
  serviceMs: Summary;
  routerTotalMs: Summary;
}

export class TimingsTally {
  private readonly queue: number[] = [];
  private readonly service: number[] = [];
  private readonly total: number[] = [];

  /** Records one answer's timings and passes the answer on. */
  readonly add = (response: InvokeResponse): InvokeResponse => {
    const t = response.timings;
    if (t) {
      this.queue.push(t.queueMs);
      this.service.push(t.serviceMs);
      this.total.push(t.totalMs);
    }
    return response;
  };

  summary(): RouterTimings {
    return { queueMs: summarize(this.queue), serviceMs: summarize(this.service), routerTotalMs: summarize(this.total) };
  }
}
