// Open-loop load through two kinds of caller: @slm-fleet/client (retries until the deadline
// with one idempotency key per call) and a raw grpc-js caller (one send, no retries), as
// agents use either. Every call's end is recorded: answered, failed (code and reason), or
// hung (no end by its deadline plus a grace).
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { SlmFleetClient, SlmFleetError } from '@slm-fleet/client';
import { AgentRouterClient, ERROR_REASON_TRAILER, InvokeRequest } from '@slm-fleet/proto';
import { promptOf } from './engine-tap.js';

export type CallerKind = 'client' | 'raw';
export const CALLERS: readonly CallerKind[] = ['client', 'raw'];

export interface CallRecord {
  id: string;
  caller: CallerKind;
  sentAt: number;
  /** When the answer or the failure came; undefined: hung. */
  endedAt?: number;
  /** 'ok', or the failure as `CODE/REASON`. */
  outcome?: string;
}

export interface LoadSettings {
  task: string;
  ratePerSecond: number;
  deadlineMs: number;
  /** Extra time after a call's deadline before it counts as hung. */
  hangGraceMs: number;
}

export class LoadGenerator {
  private readonly client: SlmFleetClient;
  private readonly raw: InstanceType<typeof AgentRouterClient>;
  private readonly records: CallRecord[] = [];
  private readonly ends: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private count = 0;

  constructor(
    grpcPort: number,
    private readonly settings: LoadSettings,
  ) {
    const target = `127.0.0.1:${grpcPort}`;
    this.client = new SlmFleetClient({ target, defaultTimeoutMs: settings.deadlineMs });
    // The same reconnect backoff as the client's, so the raw caller is not penalised for it.
    const options = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1_000 };
    this.raw = new AgentRouterClient(target, credentials.createInsecure(), options);
  }

  /** Sends calls at the rate, alternating callers, tagged `<label>-<n>`, until stop(). */
  start(label: string): void {
    const intervalMs = 1000 / this.settings.ratePerSecond;
    const started = Date.now();
    let sent = 0;
    const tick = (): void => {
      const due = Math.floor((Date.now() - started) / intervalMs) + 1;
      for (; sent < due; sent++) this.send(`${label}-${++this.count}`, CALLERS[sent % CALLERS.length]!);
      this.timer = setTimeout(tick, Math.max(1, intervalMs / 2));
    };
    tick();
  }

  /** Stops sending; resolves once every call sent has ended or hung. */
  async stop(): Promise<CallRecord[]> {
    clearTimeout(this.timer);
    await Promise.all(this.ends);
    return this.records.splice(0);
  }

  close(): void {
    this.client.close();
    this.raw.close();
  }

  private send(id: string, caller: CallerKind): void {
    const record: CallRecord = { id, caller, sentAt: Date.now() };
    this.records.push(record);
    const call = caller === 'client' ? this.viaClient(id) : this.viaRaw(id);
    const hung = new Promise<string | undefined>((resolve) =>
      setTimeout(() => resolve(undefined), this.settings.deadlineMs + this.settings.hangGraceMs).unref(),
    );
    this.ends.push(
      Promise.race([call, hung]).then((outcome) => {
        if (outcome === undefined) return;
        record.outcome = outcome;
        record.endedAt = Date.now();
      }),
    );
  }

  private async viaClient(id: string): Promise<string> {
    try {
      await this.client.invoke(this.settings.task, { prompt: promptOf(id) });
      return 'ok';
    } catch (error) {
      if (error instanceof SlmFleetError) return `${error.code}/${error.reason}`;
      return `ERROR/${(error as Error).message}`;
    }
  }

  private viaRaw(id: string): Promise<string> {
    const request = InvokeRequest.fromPartial({ task: this.settings.task, prompt: promptOf(id) });
    return new Promise((resolve) => {
      const deadline = Date.now() + this.settings.deadlineMs;
      this.raw.invoke(request, new Metadata(), { deadline }, (error: ServiceError | null) => {
        if (!error) return resolve('ok');
        const reason = error.metadata?.get(ERROR_REASON_TRAILER)[0]?.toString() ?? '';
        resolve(`${statusName(error.code)}/${reason}`);
      });
    });
  }
}

const statusName = (code: number): string => status[code] ?? String(code);
