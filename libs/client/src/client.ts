import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata, credentials, type CallOptions as GrpcCallOptions, type ServiceError } from '@grpc/grpc-js';
import {
  AgentRouterClient,
  type InvokeChunk,
  type InvokeRequest,
  type InvokeResponse,
  type ListTasksResponse,
} from '@slm-fleet/proto';
import {
  DEFAULT_TIMEOUT_MS,
  channelOptionsOf,
  retryPolicyOf,
  type RetryEvent,
  type SlmFleetClientOptions,
} from './client-options.js';
import { SlmFleetError, cancelledError, slmFleetErrorOf } from './errors.js';
import { deadlineOf, invokeRequestOf, resultOf, taskInfoOf, toolCallDeltasOf } from './request-mapping.js';
import { retryDelayMs, type RetryPolicy } from './retry-policy.js';
import type { CallOptions, InvokeInput, InvokeOptions, InvokeResult, InvokeStreamChunk, TaskInfo } from './types.js';

/** Kept equal to package.json's version by a unit test (sent in the user agent). */
export const CLIENT_VERSION = '0.1.0';

/** One logical call, over all its attempts. */
interface CallContext {
  task: string;
  /** Epoch ms; every attempt gets it whole, as its gRPC deadline. */
  deadline: number;
  signal: AbortSignal | undefined;
  metadata: Record<string, string>;
}

type Callback<R> = (error: ServiceError | null, response: R) => void;

/**
 * Calls slm-fleet tasks on the router over gRPC. One client per process is enough: it keeps
 * a connection to every router the target resolves to and balances calls over them.
 */
export class SlmFleetClient {
  private readonly router: AgentRouterClient;
  private readonly retry: RetryPolicy;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly defaultTimeoutMs: number;
  private closed = false;

  constructor(options: SlmFleetClientOptions) {
    this.retry = retryPolicyOf(options);
    this.onRetry = options.retry?.onRetry;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.defaultTimeoutMs > 0))
      throw new RangeError(`defaultTimeoutMs must be positive, not ${this.defaultTimeoutMs}`);
    const channelCredentials = options.credentials ?? credentials.createInsecure();
    this.router = new AgentRouterClient(options.target, channelCredentials, channelOptionsOf(options, CLIENT_VERSION));
  }

  /** Runs a task and resolves to its whole answer; rejects with an SlmFleetError. */
  async invoke<T = unknown>(task: string, input: InvokeInput, options: InvokeOptions = {}): Promise<InvokeResult<T>> {
    const request = invokeRequestOf(task, input, options.idempotencyKey ?? randomUUID());
    const call = this.contextOf(task, options);
    const response = await this.withRetries(call, () =>
      this.unary(call, (metadata, callOptions, done: Callback<InvokeResponse>) =>
        this.router.invoke(request, metadata, callOptions, done),
      ),
    );
    return resultOf<T>(response);
  }

  /**
   * Runs a task and yields its answer as it is generated: text deltas and tool call pieces
   * (`toolCall`: id and name on a call's first piece, its arguments in pieces) in order, then
   * one `done` chunk with the whole result. Stop early with `break` or the `signal`: the call
   * is cancelled. A failure before the first chunk is retried; after it, it is thrown
   * (SlmFleetError).
   */
  invokeStream<T = unknown>(
    task: string,
    input: InvokeInput,
    options: InvokeOptions = {},
  ): AsyncIterable<InvokeStreamChunk<T>> {
    const request = invokeRequestOf(task, input, options.idempotencyKey ?? randomUUID());
    return this.streamChunks<T>(request, this.contextOf(task, options));
  }

  /** The tasks the router serves and where their calls go. */
  async listTasks(options: CallOptions = {}): Promise<TaskInfo[]> {
    const call = this.contextOf('', options);
    const response = await this.withRetries(call, () =>
      this.unary(call, (metadata, callOptions, done: Callback<ListTasksResponse>) =>
        this.router.listTasks({}, metadata, callOptions, done),
      ),
    );
    return response.tasks.map(taskInfoOf);
  }

  /** Closes the connections once the calls in flight end; later calls fail (CLIENT_CLOSED). */
  close(): void {
    this.closed = true;
    this.router.close();
  }

  private contextOf(task: string, options: CallOptions): CallContext {
    // grpc-js would fail the call with UNAVAILABLE, which reads as worth retrying.
    if (this.closed) throw new SlmFleetError('FAILED_PRECONDITION', 'CLIENT_CLOSED', 'the client is closed', 0);
    const deadline = deadlineOf(options, this.defaultTimeoutMs, Date.now());
    return { task, deadline, signal: options.signal, metadata: options.metadata ?? {} };
  }

  /** One attempt; it fails with grpc-js's error, which `waitToRetry` turns into an SlmFleetError. */
  private unary<R>(
    call: CallContext,
    start: (metadata: Metadata, options: GrpcCallOptions, done: Callback<R>) => { cancel(): void },
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const cancel = (): void => pending.cancel();
      const pending = start(metadataOf(call), { deadline: call.deadline }, (error, response) => {
        call.signal?.removeEventListener('abort', cancel);
        if (error) reject(error);
        else resolve(response);
      });
      call.signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private async withRetries<R>(call: CallContext, attempt: () => Promise<R>): Promise<R> {
    for (let attempts = 1; ; attempts++) {
      throwIfAborted(call, attempts - 1);
      try {
        return await attempt();
      } catch (error) {
        await this.waitToRetry(call, error, attempts, false);
      }
    }
  }

  private async *streamChunks<T>(request: InvokeRequest, call: CallContext): AsyncGenerator<InvokeStreamChunk<T>> {
    for (let attempts = 1; ; attempts++) {
      throwIfAborted(call, attempts - 1);
      const stream = this.router.invokeStream(request, metadataOf(call), { deadline: call.deadline });
      // grpc-js emits 'error' for the call's final status even after reading stopped (a
      // break, then cancel()); with no listener left that would throw in the event loop.
      stream.on('error', () => undefined);
      const cancel = (): void => stream.cancel();
      call.signal?.addEventListener('abort', cancel, { once: true });
      let started = false;
      try {
        for await (const chunk of stream as AsyncIterable<InvokeChunk>) {
          started = true;
          // A retry that joined an earlier call's job gets no deltas of its own: the router
          // then sends the text and tool calls in one chunk before the result, so the pieces
          // always add up. Within a chunk, text comes before tool calls (as an engine writes).
          if (chunk.delta) yield { type: 'delta', text: chunk.delta };
          yield* toolCallDeltasOf(chunk);
          if (chunk.done) yield { type: 'done', result: resultOf<T>(chunk.done) };
        }
        return;
      } catch (error) {
        await this.waitToRetry(call, error, attempts, started);
      } finally {
        call.signal?.removeEventListener('abort', cancel);
        stream.cancel();
      }
    }
  }

  /** Resolves after the backoff if the failed attempt should be sent again; throws an SlmFleetError otherwise. */
  private async waitToRetry(call: CallContext, error: unknown, attempts: number, answerStarted: boolean) {
    const failure = slmFleetErrorOf(error, call.signal).withAttempts(attempts);
    const { code, reason } = failure;
    const decision = { code, reason, attempts, answerStarted, deadline: call.deadline, now: Date.now() };
    const delayMs = retryDelayMs(decision, this.retry, Math.random);
    if (delayMs === undefined || this.closed) throw failure;
    this.onRetry?.({ task: call.task, attempt: attempts, error: failure, delayMs });
    try {
      await sleep(delayMs, undefined, call.signal ? { signal: call.signal } : {});
    } catch {
      throw cancelledError(call.signal ?? AbortSignal.abort()).withAttempts(attempts);
    }
  }
}

function throwIfAborted(call: CallContext, attempts: number): void {
  if (call.signal?.aborted) throw cancelledError(call.signal).withAttempts(attempts);
}

function metadataOf(call: CallContext): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(call.metadata)) metadata.set(key, value);
  return metadata;
}
