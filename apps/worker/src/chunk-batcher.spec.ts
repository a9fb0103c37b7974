import { describe, expect, it } from 'vitest';
import type { CallReply } from '@slm-fleet/queue';
import { ChunkBatcher } from './chunk-batcher.js';

/** A manual tick and a send whose completion the test controls. */
function harness() {
  const ticks: (() => void)[] = [];
  const sent: CallReply[][] = [];
  const releases: (() => void)[] = [];
  const errors: unknown[] = [];
  let failNext = false;
  const batcher = new ChunkBatcher(
    'c1',
    'pod:tok:1',
    (replies) => {
      sent.push(replies);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('redis down'));
      }
      return new Promise<void>((resolve) => releases.push(resolve));
    },
    (error) => errors.push(error),
    (callback) => ticks.push(callback),
  );
  const tick = (): void => ticks.splice(0).forEach((callback) => callback());
  const texts = (): string[] =>
    sent.flat().map((reply) => (reply.type === 'chunk' ? `${reply.seq}:${reply.text}` : '?'));
  return { batcher, tick, sent, releases, errors, texts, failNextSend: () => (failNext = true) };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ChunkBatcher', () => {
  it('sends the deltas of one tick as one chunk, numbered from 0', () => {
    const h = harness();
    h.batcher.add({ text: 'Hel' });
    h.batcher.add({ text: 'lo' });
    expect(h.sent).toHaveLength(0);
    h.tick();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]).toEqual([{ callId: 'c1', type: 'chunk', attempt: 'pod:tok:1', seq: 0, text: 'Hello' }]);
  });

  it('holds deltas while a push is in flight and sends them together after it', async () => {
    const h = harness();
    h.batcher.add({ text: 'a' });
    h.tick();
    h.batcher.add({ text: 'b' });
    h.batcher.add({ text: 'c' });
    h.tick();
    expect(h.texts()).toEqual(['0:a']);
    h.releases.shift()!();
    await settle();
    h.tick();
    expect(h.texts()).toEqual(['0:a', '1:bc']);
  });

  it('flush sends what is queued and waits for every push', async () => {
    const h = harness();
    h.batcher.add({ text: 'a' });
    let flushed = false;
    const flushing = h.batcher.flush().then(() => (flushed = true));
    expect(h.texts()).toEqual(['0:a']);
    await settle();
    expect(flushed).toBe(false);
    h.releases.shift()!();
    await flushing;
    expect(flushed).toBe(true);
  });

  it('reports a failed push and goes on with the next chunks', async () => {
    const h = harness();
    h.failNextSend();
    h.batcher.add({ text: 'a' });
    h.tick();
    await settle();
    h.batcher.add({ text: 'b' });
    const flushing = h.batcher.flush();
    h.releases.shift()!();
    await flushing;
    expect(h.errors).toHaveLength(1);
    expect(h.texts()).toEqual(['0:a', '1:b']);
  });
});
