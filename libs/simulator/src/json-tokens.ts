// A JSON text cut into token-sized chunks, the way a BPE tokenizer roughly cuts it: runs of
// punctuation (`{"`, `":"`, `"}`) are one token, each word is one token with its leading spaces.
const JSON_TOKEN = /\s*(?:[{}[\]:,"]+|[^{}[\]:,"\s]+)/g;

/** Chunks whose concatenation is exactly `json` (which must not end in whitespace). */
export function splitJsonTokens(json: string): string[] {
  return json.match(JSON_TOKEN) ?? [];
}
