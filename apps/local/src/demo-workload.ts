import { Metadata, credentials, type ServiceError } from '@grpc/grpc-js';
import { AgentRouterClient, InvokeRequest, Message, type InvokeResponse, type Tool } from '@slm-fleet/proto';
import { tierFigures, tierOfAnswer, type AnswerTier, type TierFigures } from './answer-tier.js';

/** One task's demo traffic: a base rate, and bursts of a higher one. */
export interface DemoTraffic {
  task: string;
  prompt: string;
  /** With tools, each arrival is an agent's tool loop: a call, the tool's result, the answer. */
  tools?: Tool[];
  baseRatePerSecond: number;
  /** From `firstAtSeconds` on, `seconds` at the burst's rate every `everySeconds`. */
  burst?: { ratePerSecond: number; seconds: number; everySeconds: number; firstAtSeconds: number };
}

/** What the demo saw of a task over the last window; of its answers, the large model's share and reasons. */
export interface TaskFigures extends TierFigures {
  task: string;
  callsPerSecond: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  failed: number;
}

const WINDOW_MS = 20_000;
const TICK_MS = 100;

/**
 * An agent workload for the demo: calls over gRPC at each task's rate (Poisson arrivals; bursts
 * on a schedule), recording each call's latency for the live view.
 */
export class DemoWorkload {
  private readonly client: InstanceType<typeof AgentRouterClient>;
  /** Per task, the calls of the last window: `answer` is who answered, undefined when the call failed. */
  private readonly done = new Map<string, { at: number; ms: number; answer: AnswerTier | undefined }[]>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private readonly startedAt = Date.now();
  private readonly nextAt = new Map<string, number>();

  constructor(
    grpcPort: number,
    private readonly traffic: readonly DemoTraffic[],
  ) {
    this.client = new AgentRouterClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops sending, lets the calls in flight finish (each has a deadline), closes the channel. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    this.client.close();
  }

  figures(now = Date.now()): TaskFigures[] {
    return this.traffic.map(({ task }) => {
      const recent = (this.done.get(task) ?? []).filter((c) => c.at > now - WINDOW_MS);
      const answers = recent.flatMap(({ ms, answer }) => (answer ? [{ ms, answer }] : []));
      const ok = answers.map((c) => c.ms).sort((a, b) => a - b);
      const seconds = Math.min(WINDOW_MS, now - this.startedAt) / 1000;
      return {
        task,
        callsPerSecond: seconds > 0 ? ok.length / seconds : 0,
        p50Ms: percentile(ok, 0.5),
        p99Ms: percentile(ok, 0.99),
        failed: recent.length - ok.length,
        ...tierFigures(answers.map((c) => c.answer)),
      };
    });
  }

  private tick(): void {
    const now = Date.now();
    const elapsed = (now - this.startedAt) / 1000;
    for (const traffic of this.traffic) {
      const rate = rateAt(traffic, elapsed);
      // Poisson arrivals: exponential gaps at the current rate.
      let next = this.nextAt.get(traffic.task) ?? now;
      for (; next <= now && rate > 0; next += (-Math.log(1 - Math.random()) / rate) * 1000) this.call(traffic);
      this.nextAt.set(traffic.task, rate > 0 ? next : now + TICK_MS);
    }
  }

  private call(traffic: DemoTraffic): void {
    const call = traffic.tools ? this.toolLoop(traffic, traffic.tools) : this.invoke(traffic, [user(traffic.prompt)]);
    const done = call.then(() => undefined);
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  /** One call, recorded for the live view; resolves with the answer, or undefined when it failed. */
  private invoke(traffic: DemoTraffic, messages: Message[], tools: Tool[] = []): Promise<InvokeResponse | undefined> {
    const started = Date.now();
    const request = InvokeRequest.fromPartial({ task: traffic.task, messages, tools });
    return new Promise((resolve) => {
      const deadline = { deadline: Date.now() + 60_000 };
      this.client.invoke(request, new Metadata(), deadline, (error: ServiceError | null, response?: InvokeResponse) => {
        this.record(
          traffic.task,
          Date.now() - started,
          error === null && response ? tierOfAnswer(response) : undefined,
        );
        resolve(error === null ? response : undefined);
      });
    });
  }

  /**
   * What an agent does with tools: the model picks a tool, the agent runs it and sends the
   * result back (one tool message per call), and the model answers. Two calls per loop.
   */
  private async toolLoop(traffic: DemoTraffic, tools: Tool[]): Promise<void> {
    const conversation = [user(traffic.prompt)];
    const first = await this.invoke(traffic, conversation, tools);
    if (!first?.toolCalls.length) return;
    conversation.push(Message.fromPartial({ role: 'assistant', content: first.output, toolCalls: first.toolCalls }));
    for (const call of first.toolCalls) {
      const result = JSON.stringify({ tool: call.name, status: 'ok', order: { status: 'shipped' } });
      conversation.push(Message.fromPartial({ role: 'tool', toolCallId: call.id, content: result }));
    }
    await this.invoke(traffic, conversation, tools);
  }

  private record(task: string, ms: number, answer: AnswerTier | undefined): void {
    const now = Date.now();
    const list = (this.done.get(task) ?? []).filter((c) => c.at > now - WINDOW_MS);
    list.push({ at: now, ms, answer });
    this.done.set(task, list);
  }
}

const user = (content: string): Message => Message.fromPartial({ role: 'user', content });

/** The rate at `elapsed` seconds: the burst's during a burst, else the base rate. */
export function rateAt(traffic: DemoTraffic, elapsed: number): number {
  const { burst } = traffic;
  const since = burst ? elapsed - burst.firstAtSeconds : -1;
  if (burst && since >= 0 && since % burst.everySeconds < burst.seconds) return burst.ratePerSecond;
  return traffic.baseRatePerSecond;
}

export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
