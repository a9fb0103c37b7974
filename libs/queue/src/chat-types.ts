// The chat parts of the call protocol, in the engines' OpenAI-compatible wire names (snake
// case), so the worker passes them to the engine as they are.

/** A tool call the model made: OpenAI's `message.tool_calls[]`. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: {
    name: string;
    /** JSON text, as the model wrote it (it may not parse: the router checks when asked). */
    arguments: string;
  };
}

/**
 * One chat message. `developer` arrives as `system` (engines' chat templates know system);
 * content parts are joined into text before queueing.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** null only for an assistant message that just calls tools. */
  content: string | null;
  /** An optional participant name. */
  name?: string;
  /** assistant: the tools it called. */
  tool_calls?: ToolCall[];
  /** tool: the tool call this message answers. */
  tool_call_id?: string;
}

/** A function the model may call: OpenAI's `tools[]` entry. */
export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments object. */
    parameters?: Record<string, unknown>;
    /** Arguments must satisfy `parameters` exactly; the router checks them. */
    strict?: boolean;
  };
}

/** OpenAI's `tool_choice`. */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/**
 * A piece of a streamed tool call, OpenAI's `delta.tool_calls[]`: the first piece of a call
 * has its id and name, later ones add to its arguments.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** One generated token's log probability, OpenAI's `logprobs.content[]`. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  top_logprobs?: { token: string; logprob: number; bytes?: number[] | null }[];
}
