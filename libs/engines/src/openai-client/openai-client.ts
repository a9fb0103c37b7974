import { Pool } from 'undici';
import { CompletionStreamReader } from './completion-stream.js';
import { errorForStatus, errorForThrown, redactSecret } from './engine-error.js';
import type { ChatCompletionRequest, ChatCompletionResult, StreamOptions } from './types.js';

export interface OpenAIClientOptions {
  /** The engine's OpenAI-compatible base URL, including `/v1`. */
  baseUrl: string;
  /** Most sockets to the engine at once (the worker's concurrency); unlimited when unset. */
  connections?: number;
  /** Waiting for response headers: an engine's queue can hold a request a long time. */
  headersTimeoutMs?: number;
  /** Longest silence between two pieces of a streamed body. */
  bodyTimeoutMs?: number;
  /** How long `isReady` waits for GET /models. */
  readyTimeoutMs?: number;
  /**
   * Sent as `Authorization: Bearer <apiKey>` on every request (an external endpoint's key).
   * Never logged, and cut out of every error message.
   */
  apiKey?: string;
}

/**
 * What GET /models said: `ready` (2xx), `unauthorized` (401/403: up, but the key is refused),
 * `loading` (any other answer: engines answer 503 while loading) or `unreachable` (no answer).
 */
export type ModelsProbe = 'ready' | 'unauthorized' | 'loading' | 'unreachable';

/**
 * A client of one engine's OpenAI-compatible API over a keep-alive undici Pool: the worker
 * sits beside the engine, so reusing sockets saves a TCP handshake on every call.
 */
export class OpenAIClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly readyTimeoutMs: number;
  private readonly apiKey: string | undefined;
  private readonly auth: Record<string, string>;

  constructor(options: OpenAIClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
    this.apiKey = options.apiKey || undefined;
    this.auth = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? null,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: options.headersTimeoutMs ?? 300_000,
      bodyTimeout: options.bodyTimeoutMs ?? 120_000,
    });
  }

  /**
   * POSTs a streamed chat completion and reads it to the end. Throws an EngineError:
   * `transient`, `invalid` (4xx, with the engine's message), `rate-limited` (429, with the
   * wait asked for) or `aborted` (the signal fired).
   */
  async chatCompletionStream(
    request: ChatCompletionRequest,
    options: StreamOptions = {},
  ): Promise<ChatCompletionResult> {
    const started = performance.now();
    let firstTokenAt: number | undefined;
    const reader = new CompletionStreamReader((delta) => {
      firstTokenAt ??= performance.now();
      options.onDelta?.(delta);
    });
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: `${this.basePath}/chat/completions`,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...this.auth },
        // include_usage: token counts arrive in a last chunk, so streaming costs no accounting.
        body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
        signal: options.signal,
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw errorForStatus(response.statusCode, await response.body.text(), response.headers);
      }
      // A streaming decoder: a UTF-8 character may straddle two network chunks.
      const decoder = new TextDecoder();
      for await (const bytes of response.body) reader.feed(decoder.decode(bytes as Buffer, { stream: true }));
      reader.feed(decoder.decode());
      const answer = reader.finish();
      const finishedAt = performance.now();
      return {
        output: answer.output,
        ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
        ...(answer.logprobs ? { logprobs: answer.logprobs } : {}),
        // Some engines say stop after tool calls; OpenAI's clients read tool_calls from the reason.
        finishReason:
          answer.toolCalls && answer.finishReason === 'stop' ? 'tool_calls' : (answer.finishReason ?? 'stop'),
        model: answer.model ?? request.model ?? '',
        usage: answer.usage ?? { promptTokens: 0, completionTokens: 0 },
        timeToFirstTokenMs: Math.round((firstTokenAt ?? finishedAt) - started),
      };
    } catch (error) {
      throw redactSecret(errorForThrown(error, options.signal), this.apiKey);
    }
  }

  /** Whether the engine serves: GET /models answers 2xx (engines answer 503 while loading). */
  async isReady(): Promise<boolean> {
    return (await this.probeModels()) === 'ready';
  }

  /** GET /models, with the key: see ModelsProbe. */
  async probeModels(): Promise<ModelsProbe> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: `${this.basePath}/models`,
        headers: this.auth,
        signal: AbortSignal.timeout(this.readyTimeoutMs),
      });
      await response.body.dump();
      const status = response.statusCode;
      if (status >= 200 && status < 300) return 'ready';
      return status === 401 || status === 403 ? 'unauthorized' : 'loading';
    } catch {
      return 'unreachable';
    }
  }

  /** Closes the sockets once in-flight requests end. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
