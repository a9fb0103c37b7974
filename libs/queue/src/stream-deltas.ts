import type { ToolCall, ToolCallDelta } from './chat-types.js';

// A streamed answer is text plus tool calls that grow piece by piece. The worker sends the
// pieces (chunk replies), the router adds them up per engine attempt and forwards only what
// extends what the caller already has: the same logic for text and for tool calls.

/** The pieces generated since the previous delta. */
export interface StreamDelta {
  text?: string;
  toolCalls?: ToolCallDelta[];
}

/** An answer as far as it has been streamed. */
export interface PartialAnswer {
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
}

export const emptyAnswer = (): PartialAnswer => ({ text: '', toolCalls: [] });

/** Adds a delta to an answer (in place). A tool call's id and name come once, its arguments in pieces. */
export function applyDelta(answer: PartialAnswer, delta: StreamDelta): void {
  if (delta.text) answer.text += delta.text;
  if (!delta.toolCalls) return;
  for (const piece of delta.toolCalls) {
    const call = (answer.toolCalls[piece.index] ??= { id: '', name: '', arguments: '' });
    if (piece.id) call.id = piece.id;
    if (piece.name) call.name = piece.name;
    if (piece.arguments) call.arguments += piece.arguments;
  }
}

/** Adds several deltas into one (chunks sent together). */
export function mergeDeltas(deltas: readonly StreamDelta[]): StreamDelta {
  const text = deltas.map((d) => d.text ?? '').join('');
  const toolCalls: ToolCallDelta[] = [];
  for (const piece of deltas.flatMap((d) => d.toolCalls ?? [])) {
    const last = toolCalls.at(-1);
    // Pieces of the same call in a row become one piece; a new call starts a new one.
    if (last && last.index === piece.index && !piece.id && !piece.name) {
      last.arguments = (last.arguments ?? '') + (piece.arguments ?? '');
    } else {
      toolCalls.push({ ...piece });
    }
  }
  return { ...(text ? { text } : {}), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}

/** The answer of a completed call, as a partial answer (to compare with what was streamed). */
export function answerOf(text: string, toolCalls: readonly ToolCall[] | undefined): PartialAnswer {
  return {
    text,
    toolCalls: (toolCalls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
  };
}

/**
 * What to send a caller who has `sent` so that they have `now`: undefined when there is
 * nothing new, 'diverged' when `now` does not extend `sent` (a retried attempt that said
 * something else). A tool call goes out once its id and name are known (clients need both on
 * its first piece), and calls go out in order.
 */
export function deltaBetween(sent: PartialAnswer, now: PartialAnswer): StreamDelta | 'diverged' | undefined {
  if (!now.text.startsWith(sent.text) || now.toolCalls.length < sent.toolCalls.length) return 'diverged';
  const toolCalls: ToolCallDelta[] = [];
  for (let index = 0; index < now.toolCalls.length; index++) {
    const next = now.toolCalls[index];
    const before = sent.toolCalls[index];
    if (!before) {
      // A hole (an engine that started at index 1) or a call without id and name yet: hold it.
      if (!next?.id || !next.name) break;
      toolCalls.push({ index, id: next.id, name: next.name, arguments: next.arguments });
      continue;
    }
    if (!next || next.id !== before.id || next.name !== before.name || !next.arguments.startsWith(before.arguments)) {
      return 'diverged';
    }
    if (next.arguments.length > before.arguments.length) {
      toolCalls.push({ index, arguments: next.arguments.slice(before.arguments.length) });
    }
  }
  const text = now.text.slice(sent.text.length);
  if (!text && toolCalls.length === 0) return undefined;
  return { ...(text ? { text } : {}), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
}
