import { describe, expect, it } from 'vitest';
import type { ToolChoice, ToolSpec } from './chat-tools.js';
import { createRng } from './prng.js';
import { mentions, toolsToCall } from './tool-selection.js';

const spec = (name: string, index: number): ToolSpec => ({ name, parameters: { type: 'object' }, index });
const TOOLS = ['lookup_order', 'refund-order', 'weather'].map(spec);

interface Case {
  tools?: ToolSpec[];
  toolChoice: ToolChoice;
  parallelToolCalls?: boolean;
  lastRole?: string;
  lastUserText?: string;
}
const called = ({ tools = TOOLS, parallelToolCalls = true, lastRole = 'user', lastUserText = '', toolChoice }: Case) =>
  toolsToCall({ tools, toolChoice, parallelToolCalls, lastRole, lastUserText }, createRng(7)).map((t) => t.name);

describe('toolsToCall', () => {
  it.each<[string, Case, string[]]>([
    ['no tools: text', { tools: [], toolChoice: 'none' }, []],
    ['none: text, even when a tool is named', { toolChoice: 'none', lastUserText: 'weather?' }, []],
    ['a named function: that one', { toolChoice: { name: 'weather' }, lastUserText: 'lookup_order' }, ['weather']],
    [
      'a named function after a tool result: still that one',
      { toolChoice: { name: 'weather' }, lastRole: 'tool' },
      ['weather'],
    ],
    ['auto after a tool result: text', { toolChoice: 'auto', lastRole: 'tool', lastUserText: 'weather' }, []],
    [
      'auto naming one tool: that one',
      { toolChoice: 'auto', lastUserText: 'What is the weather in Oslo?' },
      ['weather'],
    ],
    [
      'auto naming a tool with spaces for _',
      { toolChoice: 'auto', lastUserText: 'Please lookup order 7' },
      ['lookup_order'],
    ],
    ['auto naming a tool with spaces for -', { toolChoice: 'auto', lastUserText: 'refund order 7' }, ['refund-order']],
    [
      'auto naming two tools: both, in tools order',
      { toolChoice: 'auto', lastUserText: 'weather, then lookup_order' },
      ['lookup_order', 'weather'],
    ],
    [
      'auto naming two tools without parallel calls: the first in tools order',
      { toolChoice: 'auto', parallelToolCalls: false, lastUserText: 'weather, then lookup_order' },
      ['lookup_order'],
    ],
    ['auto naming no tool: the first tool', { toolChoice: 'auto', lastUserText: 'hello' }, ['lookup_order']],
    ['auto with an assistant message last: a tool', { toolChoice: 'auto', lastRole: 'assistant' }, ['lookup_order']],
  ])('%s', (_case, request, expected) => {
    expect(called(request)).toEqual(expected);
  });

  it('required: exactly one tool, the same for the same seed, spread over the tools by the seed', () => {
    const pick = (seed: number) =>
      toolsToCall(
        { tools: TOOLS, toolChoice: 'required', parallelToolCalls: true, lastRole: 'tool', lastUserText: 'weather' },
        createRng(seed),
      );
    expect(pick(1)).toHaveLength(1);
    expect(pick(1)).toEqual(pick(1));
    const names = new Set(Array.from({ length: 50 }, (_, seed) => pick(seed)[0]?.name));
    expect(names).toEqual(new Set(['lookup_order', 'refund-order', 'weather']));
  });
});

describe('mentions', () => {
  it.each([
    ['lookup_order', 'call lookup_order now', true],
    ['lookup_order', 'LOOKUP ORDER 7', true],
    ['lookup_order', 'lookup_order(7)', true],
    ['lookup_order', 'lookup  order', false],
    ['lookup_order', 'my_lookup_order', false],
    ['lookup_order', 'lookup orders', false],
    ['get', 'together', false],
    ['get', 'Get it', true],
    ['v2-search', 'try v2 search', true],
    ['weather', '', false],
  ])('%s in %j: %s', (name, text, expected) => {
    expect(mentions(text, name)).toBe(expected);
  });
});
