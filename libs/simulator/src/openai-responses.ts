import type { AnswerPlan, FinishReason } from './answer-plan.js';

/** Who answers: the fields every chat completion object and chunk repeats. */
export interface CompletionMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** The non-streaming answer, OpenAI's `chat.completion` object. */
export function chatCompletion(meta: CompletionMeta, plan: AnswerPlan, promptTokens: number) {
  return {
    id: meta.id,
    object: 'chat.completion' as const,
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: plan.tokens.join('') },
        logprobs: null,
        finish_reason: plan.finishReason,
      },
    ],
    usage: usageOf(promptTokens, plan.tokens.length),
  };
}

/** The models list of an engine serving one model. */
export function modelList(model: string, created: number, maxModelLen: number) {
  return {
    object: 'list' as const,
    data: [
      {
        id: model,
        object: 'model' as const,
        created,
        owned_by: 'slm-fleet-simulator',
        root: model,
        max_model_len: maxModelLen,
      },
    ],
  };
}

/**
 * Server-sent events of one streamed answer, OpenAI's `chat.completion.chunk` objects, as
 * ready-to-write text. A content chunk is written per token, so the common prefix is built
 * once instead of serializing a whole object for every token.
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

  /** One chunk per token of tokens[from, to). */
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

  private choice(delta: string, finishReason: string): string {
    return `${this.prefix}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${this.usageField}}\n\n`;
  }
}
