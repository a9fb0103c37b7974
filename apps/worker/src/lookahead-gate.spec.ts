import { describe, expect, it } from 'vitest';
import { LookaheadGate } from './lookahead-gate.js';

/** A gate of one slot on a clock the test moves. */
function gateOf(slots = 1) {
  const clock = { now: 0 };
  const gate = new LookaheadGate(slots, () => clock.now);
  return { gate, clock };
}

/** A call held by the gate and started, with `tokens` tokens 1 ms apart ending at the clock's now. */
function running(gate: LookaheadGate, clock: { now: number }, id: string, maxTokens: number, tokens: number) {
  const ticket = gate.tryTake();
  if (!ticket) throw new Error('the gate refused a free slot');
  ticket.fetched(id);
  gate.started(id);
  gate.begin(id, maxTokens);
  clock.now -= tokens;
  for (let i = 0; i < tokens; i++) {
    clock.now += 1;
    gate.progress(id);
  }
}

describe('LookaheadGate', () => {
  it('lets a fetch go while a slot is free, and waits while the only slot is busy for long', async () => {
    const { gate, clock } = gateOf();
    clock.now = 100;
    running(gate, clock, 'a', 300, 10);
    expect(gate.tryTake()).toBeUndefined();
    let taken = false;
    const waiting = gate.take().then((ticket) => (taken = ticket !== false));
    await Promise.resolve();
    expect(taken).toBe(false);
    // Not yet: 4 tokens (4 ms) left, and the lead is the 3 ms floor (the last fetch took no time).
    for (let i = 0; i < 286; i++) {
      clock.now += 1;
      gate.progress('a');
    }
    await Promise.resolve();
    expect(taken).toBe(false);
    // Within the lead of its max_tokens: the waiting fetch goes.
    for (let i = 0; i < 2; i++) {
      clock.now += 1;
      gate.progress('a');
    }
    await waiting;
    expect(taken).toBe(true);
  });

  it('with nothing waiting, a call near its end asks for its follower (look-ahead), once', () => {
    const { gate, clock } = gateOf();
    let asked = 0;
    gate.onLookahead = () => {
      asked++;
      gate.tryTake()?.fetched('b');
    };
    running(gate, clock, 'a', 20, 2);
    expect(asked).toBe(0);
    for (let i = 0; i < 16; i++) {
      clock.now += 1;
      gate.progress('a');
    }
    expect(asked).toBe(1);
    // The follower is held: no second look-ahead for the same slot.
    clock.now += 1;
    gate.progress('a');
    expect(asked).toBe(1);
  });

  it('refuses a fetch at once while a held call is still to be started, so the loop can start it', async () => {
    const { gate } = gateOf(2);
    gate.tryTake()?.fetched('a');
    expect(await gate.take()).toBe(false);
    gate.started('a');
    expect(await gate.take()).not.toBe(false);
  });

  it('frees the slot when the call ends, and gives up waiting fetches when closed', async () => {
    const { gate, clock } = gateOf();
    running(gate, clock, 'a', 300, 3);
    gate.ended('a');
    expect(gate.tryTake()).toBeDefined();
    const other = gateOf();
    running(other.gate, other.clock, 'x', 300, 3);
    const waiting = other.gate.take();
    other.gate.close();
    expect(await waiting).toBe(false);
    expect(other.gate.tryTake()).toBeUndefined();
  });
});
