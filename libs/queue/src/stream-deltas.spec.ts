import { describe, expect, it } from 'vitest';
import {
  answerOf,
  applyDelta,
  deltaBetween,
  emptyAnswer,
  mergeDeltas,
  type PartialAnswer,
  type StreamDelta,
} from './stream-deltas.js';

const answer = (text: string, ...toolCalls: [string, string, string][]): PartialAnswer => ({
  text,
  toolCalls: toolCalls.map(([id, name, args]) => ({ id, name, arguments: args })),
});

describe('applyDelta', () => {
  it.each<[string, PartialAnswer, StreamDelta[], PartialAnswer]>([
    ['text appended', answer('Hel'), [{ text: 'lo' }, { text: '!' }], answer('Hello!')],
    ['an empty delta changes nothing', answer('Hi', ['c1', 'f', '{}']), [{}], answer('Hi', ['c1', 'f', '{}'])],
    [
      'a tool call started with its id and name, then its arguments in pieces',
      answer(''),
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'get_weather' }] },
        { toolCalls: [{ index: 0, arguments: '{"city"' }] },
        { toolCalls: [{ index: 0, arguments: ':"Paris"}' }] },
      ],
      answer('', ['c1', 'get_weather', '{"city":"Paris"}']),
    ],
    [
      'the first piece carrying arguments too',
      answer(''),
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{"a"' }] },
        { toolCalls: [{ index: 0, arguments: ':1}' }] },
      ],
      answer('', ['c1', 'f', '{"a":1}']),
    ],
    [
      'two calls growing interleaved',
      answer(''),
      [
        {
          toolCalls: [
            { index: 0, id: 'c1', name: 'f', arguments: '{' },
            { index: 1, id: 'c2', name: 'g', arguments: '[' },
          ],
        },
        {
          toolCalls: [
            { index: 1, arguments: ']' },
            { index: 0, arguments: '}' },
          ],
        },
      ],
      answer('', ['c1', 'f', '{}'], ['c2', 'g', '[]']),
    ],
    [
      'text and a tool call in one delta',
      answer('Let me check. '),
      [{ text: 'One moment.', toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] }],
      answer('Let me check. One moment.', ['c1', 'f', '{}']),
    ],
    [
      'a repeated id and name on later pieces kept, arguments appended',
      answer(''),
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{"a":' }] },
        { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '1}' }] },
      ],
      answer('', ['c1', 'f', '{"a":1}']),
    ],
    [
      'a name arriving after the id',
      answer(''),
      [{ toolCalls: [{ index: 0, id: 'c1' }] }, { toolCalls: [{ index: 0, name: 'f', arguments: '{}' }] }],
      answer('', ['c1', 'f', '{}']),
    ],
  ])('%s', (_, start, deltas, expected) => {
    for (const delta of deltas) applyDelta(start, delta);
    expect(start).toEqual(expected);
  });

  it('adds up to the same answer one delta at a time or merged', () => {
    const deltas: StreamDelta[] = [
      { text: 'A' },
      { toolCalls: [{ index: 0, id: 'c1', name: 'f' }] },
      { toolCalls: [{ index: 0, arguments: '{"x":' }] },
      { text: 'B', toolCalls: [{ index: 0, arguments: '2}' }] },
      { toolCalls: [{ index: 1, id: 'c2', name: 'g', arguments: '{}' }] },
    ];
    const oneByOne = emptyAnswer();
    for (const d of deltas) applyDelta(oneByOne, d);
    const merged = emptyAnswer();
    applyDelta(merged, mergeDeltas(deltas));
    expect(merged).toEqual(oneByOne);
    expect(oneByOne).toEqual(answer('AB', ['c1', 'f', '{"x":2}'], ['c2', 'g', '{}']));
  });
});

describe('mergeDeltas', () => {
  it.each<[string, StreamDelta[], StreamDelta]>([
    ['nothing', [], {}],
    ['only empty deltas', [{}, { text: '' }], {}],
    ['text joined', [{ text: 'Hel' }, {}, { text: 'lo' }, { text: '!' }], { text: 'Hello!' }],
    [
      'argument pieces of one call merged into its first piece',
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'f' }] },
        { toolCalls: [{ index: 0, arguments: '{"a"' }] },
        { toolCalls: [{ index: 0, arguments: ':1}' }] },
      ],
      { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{"a":1}' }] },
    ],
    [
      'argument pieces merged onto a first piece that had arguments',
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{' }] },
        { toolCalls: [{ index: 0, arguments: '}' }] },
      ],
      { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] },
    ],
    [
      'argument pieces without the first piece merged',
      [{ toolCalls: [{ index: 2, arguments: '{"a"' }] }, { toolCalls: [{ index: 2, arguments: ':1}' }] }],
      { toolCalls: [{ index: 2, arguments: '{"a":1}' }] },
    ],
    [
      'a new call kept separate',
      [
        { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] },
        { toolCalls: [{ index: 1, id: 'c2', name: 'g' }] },
        { toolCalls: [{ index: 1, arguments: '[]' }] },
      ],
      {
        toolCalls: [
          { index: 0, id: 'c1', name: 'f', arguments: '{}' },
          { index: 1, id: 'c2', name: 'g', arguments: '[]' },
        ],
      },
    ],
    [
      'a piece of another call between two pieces of one call kept apart',
      [
        { toolCalls: [{ index: 0, arguments: 'a' }] },
        { toolCalls: [{ index: 1, arguments: 'b' }] },
        { toolCalls: [{ index: 0, arguments: 'c' }] },
      ],
      {
        toolCalls: [
          { index: 0, arguments: 'a' },
          { index: 1, arguments: 'b' },
          { index: 0, arguments: 'c' },
        ],
      },
    ],
    [
      'text and tool call pieces together',
      [
        { text: 'I will ', toolCalls: [{ index: 0, id: 'c1', name: 'f' }] },
        { text: 'check.', toolCalls: [{ index: 0, arguments: '{}' }] },
      ],
      { text: 'I will check.', toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] },
    ],
  ])('%s', (_, deltas, expected) => {
    expect(mergeDeltas(deltas)).toEqual(expected);
  });

  it('leaves the deltas it merges unchanged', () => {
    const first = { index: 0, id: 'c1', name: 'f', arguments: '{' };
    const deltas: StreamDelta[] = [{ toolCalls: [first] }, { toolCalls: [{ index: 0, arguments: '}' }] }];
    mergeDeltas(deltas);
    expect(first).toEqual({ index: 0, id: 'c1', name: 'f', arguments: '{' });
    expect(deltas[1]).toEqual({ toolCalls: [{ index: 0, arguments: '}' }] });
  });
});

describe('deltaBetween', () => {
  it.each<[string, PartialAnswer, PartialAnswer, StreamDelta | 'diverged' | undefined]>([
    ['nothing new at the start', emptyAnswer(), emptyAnswer(), undefined],
    ['nothing new', answer('Hi', ['c1', 'f', '{}']), answer('Hi', ['c1', 'f', '{}']), undefined],
    ['the first text', emptyAnswer(), answer('Hel'), { text: 'Hel' }],
    ['a text extension', answer('Hel'), answer('Hello'), { text: 'lo' }],
    ['diverged text', answer('Hello'), answer('Help'), 'diverged'],
    ['shorter text', answer('Hello'), answer('Hell'), 'diverged'],
    ['a tool call held until its name is known', emptyAnswer(), answer('', ['c1', '', '{"a"']), undefined],
    ['a tool call held until its id is known', emptyAnswer(), answer('', ['', 'f', '{"a"']), undefined],
    ['text sent while a tool call is held', answer('A'), answer('AB', ['c1', '', '']), { text: 'B' }],
    [
      'a tool call sent once its id and name are known, with the arguments so far',
      emptyAnswer(),
      answer('', ['c1', 'f', '{"a"']),
      { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{"a"' }] },
    ],
    [
      'a new tool call with no arguments yet',
      emptyAnswer(),
      answer('', ['c1', 'f', '']),
      { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '' }] },
    ],
    [
      'an arguments extension',
      answer('', ['c1', 'f', '{"a"']),
      answer('', ['c1', 'f', '{"a":1}']),
      { toolCalls: [{ index: 0, arguments: ':1}' }] },
    ],
    ['the same arguments', answer('', ['c1', 'f', '{"a"']), answer('', ['c1', 'f', '{"a"']), undefined],
    ['a diverged call id', answer('', ['c1', 'f', '{']), answer('', ['c9', 'f', '{}']), 'diverged'],
    ['a diverged call name', answer('', ['c1', 'f', '{']), answer('', ['c1', 'g', '{}']), 'diverged'],
    ['diverged arguments', answer('', ['c1', 'f', '{"a":1']), answer('', ['c1', 'f', '{"b":1}']), 'diverged'],
    ['shorter arguments', answer('', ['c1', 'f', '{"a":1']), answer('', ['c1', 'f', '{"a"']), 'diverged'],
    ['a call gone', answer('', ['c1', 'f', '{}'], ['c2', 'g', '{}']), answer('', ['c1', 'f', '{}']), 'diverged'],
    [
      'diverged text with the same tool calls',
      answer('ab', ['c1', 'f', '{}']),
      answer('ax', ['c1', 'f', '{}']),
      'diverged',
    ],
    [
      'text and arguments extended together',
      answer('I', ['c1', 'f', '{']),
      answer('I will', ['c1', 'f', '{}']),
      { text: ' will', toolCalls: [{ index: 0, arguments: '}' }] },
    ],
    [
      'calls in order: an earlier extension, then a new call',
      answer('', ['c1', 'f', '{"a"']),
      answer('', ['c1', 'f', '{"a":1}'], ['c2', 'g', '{']),
      {
        toolCalls: [
          { index: 0, arguments: ':1}' },
          { index: 1, id: 'c2', name: 'g', arguments: '{' },
        ],
      },
    ],
    [
      'calls in order: a later call held while an earlier one has no name',
      emptyAnswer(),
      answer('', ['c1', '', ''], ['c2', 'g', '{}']),
      undefined,
    ],
    [
      'calls in order: the first call sent, the second held',
      emptyAnswer(),
      answer('', ['c1', 'f', '{}'], ['c2', '', ''], ['c3', 'h', '{}']),
      { toolCalls: [{ index: 0, id: 'c1', name: 'f', arguments: '{}' }] },
    ],
    [
      'two new calls at once',
      emptyAnswer(),
      answer('', ['c1', 'f', '{}'], ['c2', 'g', '[]']),
      {
        toolCalls: [
          { index: 0, id: 'c1', name: 'f', arguments: '{}' },
          { index: 1, id: 'c2', name: 'g', arguments: '[]' },
        ],
      },
    ],
  ])('%s', (_, sent, now, expected) => {
    expect(deltaBetween(sent, now)).toEqual(expected);
  });

  it('brings the caller to the answer when its deltas are applied', () => {
    const steps = [
      answer('Let'),
      answer('Let me', ['c1', '', '']),
      answer('Let me', ['c1', 'f', '{"q"']),
      answer('Let me', ['c1', 'f', '{"q":"x"}'], ['c2', 'g', '']),
      answerOf('Let me', [
        { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"q":"x"}' } },
        { id: 'c2', type: 'function', function: { name: 'g', arguments: '{}' } },
      ]),
    ];
    const caller = emptyAnswer();
    for (const now of steps) {
      const delta = deltaBetween(caller, now);
      expect(delta).not.toBe('diverged');
      if (delta && delta !== 'diverged') applyDelta(caller, delta);
    }
    expect(caller).toEqual(answer('Let me', ['c1', 'f', '{"q":"x"}'], ['c2', 'g', '{}']));
  });
});

describe('answerOf', () => {
  it('flattens a completed answer, with no tool calls when it made none', () => {
    expect(answerOf('hi', undefined)).toEqual(answer('hi'));
    expect(answerOf('', [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }])).toEqual(
      answer('', ['c1', 'f', '{}']),
    );
  });
});
