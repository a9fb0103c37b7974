import type { CallResult, ChatMessage } from '@slm-fleet/queue';

/**
 * The conversation of a repair attempt (fallback.when.repairFirst): the call's messages, then
 * the specialist's invalid answer and what was wrong with it, so the model can correct itself.
 * An invalid tool call is described rather than echoed: an assistant message with tool_calls
 * must be followed by their results, which do not exist.
 */
export function repairMessages(messages: readonly ChatMessage[], invalid: CallResult, problem: string): ChatMessage[] {
  const calls = invalid.toolCalls ?? [];
  const echo: ChatMessage[] = calls.length > 0 ? [] : [{ role: 'assistant', content: invalid.output }];
  const what =
    calls.length > 0
      ? `Your previous answer called ${calls.map((c) => `${c.function.name}(${c.function.arguments})`).join(', ')}, which is not valid`
      : 'Your previous answer is not valid';
  return [
    ...messages,
    ...echo,
    { role: 'user', content: `${what}: ${problem}. Answer again, following the required format exactly.` },
  ];
}
