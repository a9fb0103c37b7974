import { randomUUID } from 'node:crypto';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import {
  applyDelta,
  emptyAnswer,
  type StreamDelta,
  type TokenLogprob,
  type ToolCall,
  type ToolCallDelta,
} from '@slm-fleet/queue';
import { EngineError, engineErrorMessage } from './engine-error.js';
import type { CompletionUsage } from './types.js';

/** A tool call piece as engines stream it; every field may be missing. */
interface ToolCallChunk {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null };
}

/** One `chat.completion.chunk` as engines stream it; every field may be missing. */
interface CompletionChunk {
  model?: string;
  choices?: {
    delta?: { content?: string | null; tool_calls?: ToolCallChunk[] | null };
    finish_reason?: string | null;
    logprobs?: { content?: TokenLogprob[] | null } | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: unknown;
}

export interface StreamedCompletion {
  output: string;
  toolCalls: ToolCall[] | undefined;
  logprobs: TokenLogprob[] | undefined;
  finishReason: string | undefined;
  model: string | undefined;
  usage: CompletionUsage | undefined;
  /** Whether the `[DONE]` sentinel arrived. */
  done: boolean;
}

/**
 * Reads an SSE chat completion stream: feed it the body's text as it arrives; it calls
 * `onDelta` with each piece of content and keeps what the final answer needs. Pure (no I/O),
 * so the parsing is unit-tested apart from the HTTP client.
 */
export class CompletionStreamReader {
  private readonly parser: EventSourceParser;
  private readonly answer = emptyAnswer();
  private logprobs: TokenLogprob[] | undefined;
  private finishReason: string | undefined;
  private model: string | undefined;
  private usage: CompletionUsage | undefined;
  private done = false;
  private failure: EngineError | undefined;

  constructor(private readonly onDelta: (delta: StreamDelta) => void = () => undefined) {
    this.parser = createParser({ onEvent: (event) => this.onData(event.data) });
  }

  /** Feeds text from the body; throws when the engine reported an error inside the stream. */
  feed(text: string): void {
    this.parser.feed(text);
    if (this.failure) throw this.failure;
  }

  /** The answer once the body ended; a stream cut short is a transient failure. */
  finish(): StreamedCompletion {
    if (this.failure) throw this.failure;
    if (!this.done && this.finishReason === undefined) {
      throw new EngineError('transient', 'engine closed the stream before the answer was complete');
    }
    const toolCalls = this.answer.toolCalls.map((c): ToolCall => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    }));
    return {
      output: this.answer.text,
      toolCalls: toolCalls.length > 0 ? toolCalls : undefined,
      logprobs: this.logprobs,
      finishReason: this.finishReason,
      model: this.model,
      usage: this.usage,
      done: this.done,
    };
  }

  private onData(data: string): void {
    if (this.failure || this.done) return;
    if (data.trim() === '[DONE]') {
      this.done = true;
      return;
    }
    let chunk: CompletionChunk;
    try {
      chunk = JSON.parse(data) as CompletionChunk;
    } catch {
      this.failure = new EngineError('transient', `engine sent a stream event that is not JSON: ${data.slice(0, 200)}`);
      return;
    }
    if (chunk.error !== undefined) {
      // vLLM reports a failure mid-generation this way, after a 200 status.
      this.failure = new EngineError('transient', `engine failed mid-stream: ${engineErrorMessage(data)}`);
      return;
    }
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) {
      this.usage = {
        promptTokens: chunk.usage.prompt_tokens ?? 0,
        completionTokens: chunk.usage.completion_tokens ?? 0,
      };
    }
    for (const choice of chunk.choices ?? []) {
      const text = choice.delta?.content;
      const pieces = choice.delta?.tool_calls;
      // Per token: no spreads or maps unless the chunk carries tool calls.
      if (text || pieces?.length) {
        const delta: StreamDelta = {};
        if (text) delta.text = text;
        if (pieces?.length) delta.toolCalls = pieces.map((piece) => this.toolCallDelta(piece));
        applyDelta(this.answer, delta);
        this.onDelta(delta);
      }
      if (choice.logprobs?.content) (this.logprobs ??= []).push(...choice.logprobs.content);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
  }

  /**
   * A tool call piece in the protocol's shape. A call's first piece gets an id here when the
   * engine sent none (some do not), so callers can always answer the call by its id.
   */
  private toolCallDelta(piece: ToolCallChunk): ToolCallDelta {
    const index = piece.index ?? Math.max(0, this.answer.toolCalls.length - 1);
    const isNew = this.answer.toolCalls[index] === undefined;
    const id = piece.id ?? (isNew ? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}` : undefined);
    return {
      index,
      ...(id ? { id } : {}),
      ...(piece.function?.name ? { name: piece.function.name } : {}),
      ...(piece.function?.arguments ? { arguments: piece.function.arguments } : {}),
    };
  }
}
