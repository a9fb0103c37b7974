import { describe, expect, it } from 'vitest';
import { setCondition, type Condition } from './conditions.js';

const ready = (status: Condition['status'], at: string): Condition => ({
  type: 'Ready',
  status,
  reason: 'R',
  message: 'm',
  lastTransitionTime: at,
});

describe('setCondition', () => {
  it('adds a condition with the current time', () => {
    expect(setCondition([], { type: 'Ready', status: 'True', reason: 'R', message: 'm' }, 't1')).toEqual([
      ready('True', 't1'),
    ]);
  });

  it('keeps lastTransitionTime while the status holds, even when reason and message change', () => {
    const next = setCondition(
      [ready('True', 't1')],
      { type: 'Ready', status: 'True', reason: 'X', message: 'y' },
      't2',
    );
    expect(next).toEqual([{ ...ready('True', 't1'), reason: 'X', message: 'y' }]);
  });

  it('moves lastTransitionTime when the status changes, leaving other conditions alone', () => {
    const other: Condition = { ...ready('False', 't0'), type: 'Degraded' };
    const next = setCondition(
      [other, ready('True', 't1')],
      { type: 'Ready', status: 'False', reason: 'R', message: 'm' },
      't2',
    );
    expect(next).toEqual([other, ready('False', 't2')]);
  });
});
