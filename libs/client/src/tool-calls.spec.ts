import { describe, expect, it } from 'vitest';
import { parseToolArguments } from './tool-calls.js';

const call = (args: string) => ({ id: 'call_1', name: 'lookup_order', arguments: args });

describe('parseToolArguments', () => {
  it('parses the JSON object, typed as the caller says', () => {
    const args = parseToolArguments<{ order_id: string }>(call('{"order_id":"42"}'));
    expect(args.order_id).toBe('42');
  });

  it('reads empty arguments as no arguments', () => {
    expect(parseToolArguments(call(''))).toEqual({});
    expect(parseToolArguments(call('  '))).toEqual({});
  });

  it('throws a SyntaxError naming the call when the arguments are not JSON', () => {
    const parse = () => parseToolArguments(call('{"order_id":'));
    expect(parse).toThrow(SyntaxError);
    expect(parse).toThrow(/^tool call call_1 of lookup_order: the arguments are not JSON: "\{\\"order_id\\":"$/);
    try {
      parse();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('throws when the arguments are JSON but not an object', () => {
    for (const args of ['42', '"x"', 'null', '[1]']) {
      expect(() => parseToolArguments(call(args))).toThrow(/the arguments are not a JSON object/);
    }
  });

  it('shortens long arguments in the message', () => {
    const long = `{"a":"${'x'.repeat(200)}`;
    expect(() => parseToolArguments(call(long))).toThrow(/…"$/);
  });
});
