/** The engines whose tool-call parser slm-fleet picks from the model family when none is named. */
export type ParserEngine = 'vllm' | 'sglang';

/**
 * A model family whose tool-call output format an engine parses by name. Only families the
 * engines' own docs name are here (docs/engines.md, "Tool calling", cites each one).
 */
export interface ToolCallFamily {
  /** For reasons and docs, e.g. "Llama 3.1-3.3". */
  readonly name: string;
  /** Tested against the lower-cased model URI, then the served name. */
  readonly matches: RegExp;
  /** Variants of the family that use another format, so the default would parse nothing. */
  readonly unless?: RegExp;
  readonly parsers: Readonly<Partial<Record<ParserEngine, string>>>;
  /**
   * The engines parse this family only with a tool chat template of their own (--chat-template),
   * which the model does not ship: a default parser alone would miss every call, so none is set.
   */
  readonly needsChatTemplate?: boolean;
}

// First match wins: Hermes-3-Llama-3.1 is a Hermes model, Llama-xLAM an xLAM one, and
// Qwen3-Coder writes XML tool calls where the rest of Qwen writes Hermes-style JSON.
export const toolCallFamilies: readonly ToolCallFamily[] = [
  { name: 'Hermes 2 Pro / 2 Theta / 3', matches: /hermes-(2-pro|2-theta|3)\b/, parsers: { vllm: 'hermes' } },
  { name: 'xLAM', matches: /xlam/, parsers: { vllm: 'xlam' }, needsChatTemplate: true },
  { name: 'Qwen3-Coder', matches: /qwen3-coder/, parsers: { vllm: 'qwen3_coder', sglang: 'qwen3_coder' } },
  {
    name: 'Qwen2.5, QwQ, Qwen3',
    // Not Qwen3.5 and later, which write XML tool calls; not the Coder models (see above).
    matches: /qwen2\.5|qwq|qwen3(?![.\d])/,
    unless: /coder/,
    parsers: { vllm: 'hermes', sglang: 'qwen25' },
  },
  {
    name: 'Llama 3.1-3.3',
    matches: /llama-?3\.[123](?!\d)/,
    // Nemotron fine-tunes of Llama 3.1 use their own tool-call tokens.
    unless: /nemotron/,
    parsers: { vllm: 'llama3_json', sglang: 'llama3' },
  },
  { name: 'Mistral', matches: /mistral|ministral/, parsers: { vllm: 'mistral', sglang: 'mistral' } },
  // Granite 3.0 needs vLLM's template; 3.1 and later work with their own.
  { name: 'Granite 3.1+', matches: /granite-3\.[1-9]/, parsers: { vllm: 'granite' } },
  { name: 'Phi-4-mini', matches: /phi-4-mini/, parsers: { vllm: 'phi4_mini_json' } },
  { name: 'gpt-oss', matches: /gpt-oss/, parsers: { vllm: 'openai', sglang: 'gpt-oss' } },
  {
    name: 'DeepSeek-V3',
    matches: /deepseek-v3(?![.\d])/,
    parsers: { vllm: 'deepseek_v3', sglang: 'deepseekv3' },
    needsChatTemplate: true,
  },
  { name: 'InternLM 2.5', matches: /internlm2[._]5/, parsers: { vllm: 'internlm' }, needsChatTemplate: true },
];

/** The family of the first text (model URI, then served name) that names one, case-insensitively. */
export function toolCallFamilyOf(texts: readonly string[]): ToolCallFamily | undefined {
  for (const text of texts) {
    const lower = text.toLowerCase();
    const family = toolCallFamilies.find(
      ({ matches, unless }) => matches.test(lower) && !(unless?.test(lower) ?? false),
    );
    if (family) return family;
  }
  return undefined;
}
