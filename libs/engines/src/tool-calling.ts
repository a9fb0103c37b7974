import type { PodEngineKind } from './engine-kind.js';
import type { EngineContainerInput } from './engine-input.js';
import { engineProfile } from './profiles.js';
import { toolCallFamilyOf, type ParserEngine } from './tool-call-families.js';

/** The toolCallParser value that starts an engine without tool calling. */
export const TOOL_CALLING_OFF = 'none';

/**
 * Whether the engine starts able to return OpenAI `tool_calls`, and why. `source` says who
 * decided: the Specialist's field, slm-fleet's default (the model family, or the engine's own
 * mechanism), or nobody (`none`: no default is known, so the engine starts without it).
 */
export interface ToolCalling {
  enabled: boolean;
  /** The parser on the engine's command line or in NIM_PASSTHROUGH_ARGS; absent where there is none. */
  parser?: string;
  source: 'field' | 'default' | 'none';
  /** One sentence for a person: an Event or condition message. */
  reason: string;
}

// Parser names reach a command line and NIM_PASSTHROUGH_ARGS, which NIM splits on spaces: one word.
const parserPattern = /^[A-Za-z0-9][\w.-]{0,63}$/;

const nativeTools: Readonly<Partial<Record<PodEngineKind, string>>> = {
  tgi: 'TGI constrains tool calls with a grammar on its chat route',
  ollama: "Ollama calls tools through each model's template (models tagged tools)",
};

/** Why the input's toolCallParser cannot be used, or undefined when it can (or is unset). */
export function toolCallParserError(input: EngineContainerInput): string | undefined {
  const value = input.toolCallParser;
  if (value === undefined) return undefined;
  const profile = engineProfile(input.kind);
  if (!profile) return `toolCallParser: kind "${String(input.kind)}" runs no engine, so it takes no parser.`;
  switch (profile.toolCalling) {
    case 'native':
      return `toolCallParser: ${input.kind} calls tools natively (${nativeTools[input.kind] ?? 'no setting'}) and takes no parser, not even "${TOOL_CALLING_OFF}"; remove the field.`;
    case 'chat-template':
      return value === TOOL_CALLING_OFF
        ? undefined
        : `toolCallParser: ${input.kind} takes tool calls from the model's chat template (--jinja), not a parser; its only value is "${TOOL_CALLING_OFF}", got "${value}".`;
    case 'parser':
      if (value === TOOL_CALLING_OFF && !hasFamilyDefaults(input.kind)) {
        return `toolCallParser: "${TOOL_CALLING_OFF}" changes nothing on ${input.kind}, which starts tool calling only for a named parser; remove the field.`;
      }
      if (value !== TOOL_CALLING_OFF && !parserPattern.test(value)) {
        return `toolCallParser must be a parser name of 1-64 letters, digits, ".", "_" or "-", got "${value}".`;
      }
      return undefined;
  }
}

/**
 * How the engine of this input handles tool calls. Pure, and total: an input renderEngine
 * refuses gets `enabled: false` with the refusal as the reason, so the operator can report
 * every Specialist the same way (an Event or condition when `source` is `none`).
 */
export function toolCallingOf(input: EngineContainerInput): ToolCalling {
  const error = toolCallParserError(input);
  if (error !== undefined) return { enabled: false, source: 'field', reason: error };
  const profile = engineProfile(input.kind);
  if (!profile) {
    return { enabled: false, source: 'none', reason: `kind "${String(input.kind)}": the external endpoint decides.` };
  }
  const value = input.toolCallParser;
  switch (profile.toolCalling) {
    case 'native':
      return { enabled: true, source: 'default', reason: `${nativeTools[input.kind] ?? 'native'}; no setting.` };
    case 'chat-template':
      return value === TOOL_CALLING_OFF
        ? {
            enabled: false,
            source: 'field',
            reason: `toolCallParser is "${TOOL_CALLING_OFF}": llama-server starts with --no-jinja and refuses requests that carry tools.`,
          }
        : {
            enabled: true,
            source: 'default',
            reason:
              "llama-server starts with --jinja: tool calls follow the model's chat template (llama.cpp's generic format where the template has none).",
          };
    case 'parser':
      if (value === TOOL_CALLING_OFF) {
        return {
          enabled: false,
          source: 'field',
          reason: `toolCallParser is "${TOOL_CALLING_OFF}": ${input.kind} starts without tool calling.`,
        };
      }
      if (value !== undefined) {
        return { enabled: true, parser: value, source: 'field', reason: `toolCallParser names ${value}.` };
      }
      return familyDefault(input);
  }
}

function hasFamilyDefaults(kind: PodEngineKind): kind is ParserEngine {
  return kind === 'vllm' || kind === 'sglang';
}

function familyDefault(input: EngineContainerInput): ToolCalling {
  const { kind, model } = input;
  const off = (reason: string): ToolCalling => ({ enabled: false, source: 'none', reason });
  if (!hasFamilyDefaults(kind)) {
    // NIM images choose their backend (vLLM or, from 2.1, SGLang, with other parser names and
    // flags), and model-specific NIMs turn tool calling on themselves: guessing could stop one.
    return off(
      `${kind} starts tool calling only when toolCallParser names a parser (model-specific NIMs may turn it on themselves).`,
    );
  }
  const family = toolCallFamilyOf([model.uri, model.servedName]);
  if (!family) {
    return off(
      `no default tool-call parser is known for model "${model.uri}" on ${kind}: it starts without tool calling; set toolCallParser to turn it on.`,
    );
  }
  const parser = family.parsers[kind];
  if (parser === undefined) {
    return off(
      `${family.name} has no ${kind} tool-call parser that slm-fleet knows: ${kind} starts without tool calling; set toolCallParser if your version has one.`,
    );
  }
  if (family.needsChatTemplate === true) {
    return off(
      `${family.name} on ${kind} needs the ${parser} parser and the engine's tool chat template: set toolCallParser: ${parser} and --chat-template in the engine args.`,
    );
  }
  return {
    enabled: true,
    parser,
    source: 'default',
    reason: `${family.name} models use the ${parser} parser on ${kind}.`,
  };
}
