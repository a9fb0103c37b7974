/** One chat completion request as GET /sim/stats lists it among the recent ones. */
export interface RequestRecord {
  /** When it arrived, epoch ms (the simulator's clock). */
  receivedAt: number;
  /** The `model` it asked for, once its body was read (absent when it had none). */
  model?: string;
  /** The HTTP status it was answered with; absent while unanswered, or when it never was (hung, cut). */
  status?: number;
}

/** Counters of GET /sim/stats. */
export interface SimStats {
  /** Chat completion requests received, valid or not (not those refused for the API key). */
  requests: number;
  /** Requests in the batch now (generating or hung). */
  active: number;
  /** Requests queued for a batch slot now. */
  waiting: number;
  /** Answers delivered in full. */
  completed: number;
  /** Requests answered with an error status: invalid (4xx), error fault (500), rate-limit fault (429), not ready (503). */
  errors: number;
  /** Requests the hang fault swallowed. */
  hung: number;
  /** Requests whose client went away before the answer was complete. */
  disconnected: number;
  /** Requests to /v1 refused with 401 for a missing or wrong API key (with --api-key-env). */
  unauthorized: number;
  /** Requests answered 429 by the rate-limit fault (also counted in errors). */
  rateLimited: number;
  /** Answers that broke the requested schema or tool parameters (the off-schema fault). */
  offSchema: number;
  /** Answers with low-confidence logprobs (the low-confidence fault, logprobs asked for). */
  lowConfidence: number;
  /** Chat completion requests received and not yet answered or gone, now. */
  inFlight: number;
  /** The most there ever were in flight at once. */
  peakInFlight: number;
  /** Chat completion requests per requested `model` (adapter names included, unknown ones too). */
  models: Record<string, number>;
  /** The last RECENT_REQUESTS chat completion requests, oldest first. */
  recent: RequestRecord[];
}

/** The counters the server increments; the rest come from the batch scheduler and the request log. */
export type SimCounters = Omit<SimStats, 'active' | 'waiting' | 'inFlight' | 'peakInFlight' | 'models' | 'recent'>;

export function zeroCounters(): SimCounters {
  return {
    requests: 0,
    completed: 0,
    errors: 0,
    hung: 0,
    disconnected: 0,
    unauthorized: 0,
    rateLimited: 0,
    offSchema: 0,
    lowConfidence: 0,
  };
}

/** How many requests GET /sim/stats lists: enough for a test's sequence, bounded under a benchmark. */
export const RECENT_REQUESTS = 1000;

/**
 * The chat completion requests over time: how many are in flight (and the peak), requests per
 * model, and the recent ones with their arrival times and statuses, so a test can check what
 * reached the engine when (a client honouring Retry-After, a concurrency limit) from the
 * engine's side rather than by timing itself.
 */
export class RequestLog {
  private inFlight = 0;
  private peak = 0;
  private readonly perModel = new Map<string, number>();
  /** A ring: a benchmark's tens of thousands of requests a second must not shift an array. */
  private readonly records: RequestRecord[] = [];
  private next = 0;

  constructor(private readonly keep = RECENT_REQUESTS) {}

  /** A request arrived; end it exactly once with `finish`. */
  arrive(now: number): RequestRecord {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    const record: RequestRecord = { receivedAt: now };
    this.records[this.next] = record;
    this.next = (this.next + 1) % this.keep;
    return record;
  }

  /** Its body named a model. */
  model(record: RequestRecord, model: string): void {
    record.model = model;
    this.perModel.set(model, (this.perModel.get(model) ?? 0) + 1);
  }

  /** Answered with `status`, or gone unanswered (undefined). */
  finish(record: RequestRecord, status: number | undefined): void {
    this.inFlight--;
    if (status !== undefined) record.status = status;
  }

  snapshot(): Pick<SimStats, 'inFlight' | 'peakInFlight' | 'models' | 'recent'> {
    return {
      inFlight: this.inFlight,
      peakInFlight: this.peak,
      models: Object.fromEntries(this.perModel),
      // Oldest first: from the slot to be overwritten next, once the ring is full.
      recent: [...this.records.slice(this.next), ...this.records.slice(0, this.next)].map((record) => ({ ...record })),
    };
  }
}
