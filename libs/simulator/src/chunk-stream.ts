import type { AnswerPlan, FinishReason, PlannedToolCall } from './answer-plan.js';
import { type CompletionMeta, usageOf } from './openai-responses.js';

/**
 * Server-sent events of one streamed answer, OpenAI's `chat.completion.chunk` objects, as
 * ready-to-write text. A chunk is written per token, so the common prefix is built once
 * instead of serializing a whole object for every token.
 */
export class ChunkStream {
  private readonly prefix: string;
  private readonly usageField: string;

  constructor(
    meta: CompletionMeta,
    private readonly includeUsage: boolean,
  ) {
    this.prefix = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":`;
    // With include_usage, OpenAI sends "usage": null on every chunk but the last.
    this.usageField = includeUsage ? ',"usage":null' : '';
  }

  /** The first chunk: the assistant role, no content yet. */
  role(): string {
    return this.choice('{"role":"assistant","content":""}', 'null');
  }

  /**
   * One chunk per token of plan.tokens[from, to): text deltas, or tool-call deltas, each with
   * the logprobs of its token when the plan has them.
   */
  tokens(plan: AnswerPlan, from: number, to: number): string {
    // Plain text, the benchmarks' case, takes the loop with nothing else to do per token.
    if (plan.toolCalls === undefined && plan.logprobs === undefined) return this.content(plan.tokens, from, to);
    let text = '';
    for (let i = from; i < to; i++) {
      const token = JSON.stringify(plan.tokens[i]);
      const logprobs = plan.logprobs ? `{"content":[${JSON.stringify(plan.logprobs[i])}]}` : 'null';
      if (plan.toolCalls === undefined) {
        text += this.choice(`{"content":${token}}`, 'null', logprobs);
        continue;
      }
      const index = callAt(plan.toolCalls, i);
      const call = plan.toolCalls[index] as PlannedToolCall;
      // A call opens with its id and name (and empty arguments), as OpenAI and vLLM stream it.
      if (call.start === i) {
        const opening = `{"index":${index},"id":${JSON.stringify(call.id)},"type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}`;
        text += this.choice(`{"tool_calls":[${opening}]}`, 'null');
      }
      text += this.choice(`{"tool_calls":[{"index":${index},"function":{"arguments":${token}}}]}`, 'null', logprobs);
    }
    return text;
  }

  /** One text chunk per token of tokens[from, to). */
  content(tokens: readonly string[], from: number, to: number): string {
    let text = '';
    for (let i = from; i < to; i++) text += this.choice(`{"content":${JSON.stringify(tokens[i])}}`, 'null');
    return text;
  }

  /** The finish chunk, then the usage chunk if asked for, then the end marker. */
  end(finishReason: FinishReason, promptTokens: number, completionTokens: number): string {
    let text = this.choice('{}', JSON.stringify(finishReason));
    if (this.includeUsage) {
      text += `${this.prefix}[],"usage":${JSON.stringify(usageOf(promptTokens, completionTokens))}}\n\n`;
    }
    return text + 'data: [DONE]\n\n';
  }

  private choice(delta: string, finishReason: string, logprobs = 'null'): string {
    return `${this.prefix}[{"index":0,"delta":${delta},"logprobs":${logprobs},"finish_reason":${finishReason}}]${this.usageField}}\n\n`;
  }
}

/** The index of the call whose arguments hold token `i`: calls are consecutive, none empty. */
function callAt(calls: readonly PlannedToolCall[], i: number): number {
  let index = 0;
  while (index + 1 < calls.length && (calls[index + 1] as PlannedToolCall).start <= i) index++;
  return index;
}
