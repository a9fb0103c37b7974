#!/usr/bin/env python3
"""Writes a tiny llama-architecture GGUF with random weights: the model the engine tests serve
with llama.cpp's llama-server (scripts/lib/llamacpp.sh builds both and caches them).

It says nonsense, but it is a complete model to llama-server: a byte-level BPE tokenizer
that can spell any text, control tokens that end a turn, and a Qwen2.5-style chat template
with tools, so `--jinja` parses <tool_call> blocks and its grammars force JSON schemas and
tool-call arguments onto the random weights. A few hand-set weights make it an eager tool
caller that stops after a call. Deterministic: same script, same file.

Usage: make_tiny_model.py OUT.gguf   (needs the gguf and numpy packages)
"""

import re
import sys
from collections import Counter

import numpy as np
from gguf import GGUFWriter, LlamaFileType, TokenType

N_LAYER, N_EMBD, N_HEAD, N_FF, N_CTX = 2, 64, 4, 128, 2048
N_MERGES = 200

# Qwen2.5's format (Hermes 2 Pro's tool calls): tools listed in <tools></tools> in the system
# turn, each call a JSON object in <tool_call></tool_call>, results in <tool_response>.
# llama.cpp's differential autoparser (common/chat-diff-analyzer.cpp) renders it with and
# without tools and tool calls to find those markers.
CHAT_TEMPLATE = """\
{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are a tiny test model.' }}{%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}{{- "\\n" }}{{- tool | tojson }}{%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- elif messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message.role == "user" or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}{{- '\\n' + message.content }}{%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}{{- tool_call.name }}{{- '", "arguments": ' }}{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.index0 == 0 or messages[loop.index0 - 1].role != "tool" %}{{- '<|im_start|>user' }}{%- endif %}
        {{- '\\n<tool_response>\\n' }}{{- message.content }}{{- '\\n</tool_response>' }}
        {%- if loop.last or messages[loop.index0 + 1].role != "tool" %}{{- '<|im_end|>\\n' }}{%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}
"""

# Learned merges only shorten prompts (a byte per token would fill a 1024-token slot with
# one tool prompt), so they are learned from the template and text like the tests send.
CONTROL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TOOL_MARKERS = ["<tool_call>", "</tool_call>"]
CORPUS = (
    # the template's text without its Jinja syntax and the tokens that are single tokens anyway
    re.sub(r"{%.*?%}|{{-?|}}|" + "|".join(map(re.escape, CONTROL + TOOL_MARKERS)), " ", CHAT_TEMPLATE.replace("\\n", "\n"))
    + ' {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",'
    + ' "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}'
    + " Extract the invoice number, total and currency. Invoice INV-7: 120.50 EUR. Summarize the text."
    + " The quick brown fox jumps over the lazy dog. What is the weather in Paris? It is sunny."
)


def bytes_to_unicode() -> list[str]:
    """GPT-2's byte-level alphabet: one printable character per byte, as llama.cpp expects."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), 256)]
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def learn_merges(text: str, alphabet: list[str], n: int) -> list[tuple[str, str]]:
    """Plain BPE training over words split roughly like llama.cpp's default pre-tokenizer."""
    pieces = re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", text)
    words = [[alphabet[b] for b in piece.encode()] for piece in pieces]
    merges = []
    for _ in range(n):
        pairs = Counter(p for w in words for p in zip(w, w[1:]))
        if not pairs:
            break
        (a, b), _ = pairs.most_common(1)[0]  # ties: first seen, so the result is deterministic
        merges.append((a, b))
        for w in words:
            i = 0
            while i < len(w) - 1:
                if w[i] == a and w[i + 1] == b:
                    w[i : i + 2] = [a + b]
                i += 1
    return merges


def main(out: str) -> None:
    alphabet = bytes_to_unicode()
    merges = learn_merges(CORPUS, alphabet, N_MERGES)
    # Token ids: 0-255 the bytes, then the merged tokens (two merges can spell the same token,
    # "ab"+"c" and "a"+"bc": each is listed once), then the tool-call markers, which Qwen2.5
    # also has as single tokens, then the control tokens.
    tokens = list(dict.fromkeys(alphabet + [a + b for a, b in merges])) + TOOL_MARKERS + CONTROL
    types = [TokenType.NORMAL] * (len(tokens) - len(TOOL_MARKERS) - len(CONTROL))
    types += [TokenType.USER_DEFINED] * len(TOOL_MARKERS) + [TokenType.CONTROL] * len(CONTROL)
    eot, im_end = tokens.index("<|endoftext|>"), tokens.index("<|im_end|>")
    call_open, call_close = (tokens.index(t) for t in TOOL_MARKERS)
    n_vocab = len(tokens)

    def text_of(token_id: int) -> str:
        if types[token_id] != TokenType.NORMAL:
            return tokens[token_id]
        return bytes(alphabet.index(c) for c in tokens[token_id]).decode("latin-1")

    rng = np.random.default_rng(7)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    # Random weights give nearly uniform next tokens. A few hand-set weights shape them, with no
    # bias tensor: residual dimensions 0-3 are set only by token embeddings (no layer writes
    # them), and the residual carries the last token's embedding to the output. Dimension 0 is
    # 1 in every embedding, so output column 0 is a per-token bias; dimensions 1-3 mark a few
    # tokens, so output columns 1-3 are bigram rules.
    embd = rand(n_vocab, N_EMBD)
    output = rand(n_vocab, N_EMBD)
    embd[:, 0:4] = output[:, 0:4] = 0.0
    embd[:, 0] = 1.0
    # Printable ASCII only: control bytes and lone UTF-8 pieces make unreadable logs, runs of
    # whitespace fill max_tokens inside JSON, and control tokens belong in prompts (not EOS).
    for token_id in range(n_vocab):
        text = text_of(token_id)
        printable = all(c == "\n" or " " <= c <= "~" for c in text)
        if (types[token_id] == TokenType.CONTROL and token_id != im_end) or not printable:
            output[token_id, 0] = -4.0
        if len(text) > 1 and text.isspace():
            output[token_id, 0] = -4.0
    # An eager tool caller: llama-server lets text come before even a required tool call, so a
    # uniform model would never get to it. "<tool_call>" is likelier than any other token...
    output[call_open, 0] = 0.15
    # ... followed by the newline the template puts after it,
    embd[call_open, 1], output[alphabet.index("Ċ"), 1] = 1.0, 2.0
    # "</tool_call>" after a token that ends in "}" (the arguments' end), and EOS after that, so
    # a call ends instead of running into max_tokens with more calls.
    for token_id in range(n_vocab):
        embd[token_id, 2] = 1.0 if text_of(token_id).endswith("}") else 0.0
    output[call_close, 2] = 2.0
    embd[call_close, 3], output[im_end, 3] = 1.0, 2.0

    w = GGUFWriter(out, "llama")
    w.add_name("slm-fleet tiny random llama")
    w.add_file_type(LlamaFileType.ALL_F32)
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)

    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges([f"{a} {b}" for a, b in merges])
    w.add_bos_token_id(eot)
    w.add_eos_token_id(im_end)
    w.add_pad_token_id(eot)
    w.add_add_bos_token(False)
    w.add_chat_template(CHAT_TEMPLATE)

    # numpy shapes are (rows = output features, columns = input features).
    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    w.add_tensor("output.weight", output)
    for i in range(N_LAYER):
        attn_out, ffn_down = rand(N_EMBD, N_EMBD), rand(N_EMBD, N_FF)
        attn_out[0:4, :] = ffn_down[0:4, :] = 0.0  # residual dimensions 0-3 stay the embedding's
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(f"blk.{i}.attn_q.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_k.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_v.weight", rand(N_EMBD, N_EMBD))
        w.add_tensor(f"blk.{i}.attn_output.weight", attn_out)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(N_FF, N_EMBD))
        w.add_tensor(f"blk.{i}.ffn_down.weight", ffn_down)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {out}: {n_vocab} tokens, {N_LAYER} layers, n_embd {N_EMBD}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
