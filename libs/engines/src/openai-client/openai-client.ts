import { Pool } from 'undici';
import { CompletionStreamReader } from './completion-stream.js';
import { errorForStatus, errorForThrown } from './engine-error.js';
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
}

/**
 * A client of one engine's OpenAI-compatible API over a keep-alive undici Pool: the worker
 * sits beside the engine, so reusing sockets saves a TCP handshake on every call.
 */
export class OpenAIClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly readyTimeoutMs: number;

  constructor(options: OpenAIClientOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
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
   * `transient`, `invalid` (4xx, with the engine's message) or `aborted` (the signal fired).
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
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        // include_usage: token counts arrive in a last chunk, so streaming costs no accounting.
        body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
        signal: options.signal,
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw errorForStatus(response.statusCode, await response.body.text());
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
      throw errorForThrown(error, options.signal);
    }
  }

  /** Whether the engine serves: GET /models answers 2xx (engines answer 503 while loading). */
  async isReady(): Promise<boolean> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: `${this.basePath}/models`,
        signal: AbortSignal.timeout(this.readyTimeoutMs),
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      return false;
    }
  }

  /** Closes the sockets once in-flight requests end. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}
