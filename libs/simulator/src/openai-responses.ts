import type { AnswerPlan } from './answer-plan.js';

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
        message: messageOf(plan),
        logprobs: plan.logprobs ? { content: plan.logprobs } : null,
        finish_reason: plan.finishReason,
      },
    ],
    usage: usageOf(promptTokens, plan.tokens.length),
  };
}

/** The assistant's text; or, when it calls tools, no content and the calls. */
function messageOf({ tokens, toolCalls }: AnswerPlan) {
  if (toolCalls === undefined) return { role: 'assistant' as const, content: tokens.join('') };
  return {
    role: 'assistant' as const,
    content: null,
    tool_calls: toolCalls.map(({ id, name, start, end }) => ({
      id,
      type: 'function' as const,
      function: { name, arguments: tokens.slice(start, end).join('') },
    })),
  };
}

/** The models list of an engine serving one model and, as vLLM lists them, its LoRA adapters (`parent` the model). */
export function modelList(model: string, created: number, maxModelLen: number, adapters: readonly string[] = []) {
  const entry = (id: string, parent: string | null) => ({
    id,
    object: 'model' as const,
    created,
    owned_by: 'slm-fleet-simulator',
    root: id,
    parent,
    max_model_len: maxModelLen,
  });
  return {
    object: 'list' as const,
    data: [entry(model, null), ...adapters.map((adapter) => entry(adapter, model))],
  };
}
