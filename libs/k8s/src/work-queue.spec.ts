import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { ManualClock } from './manual-clock.js';
import { WorkQueue, type ProcessOutcome, type ProcessResult } from './work-queue.js';

/** Lets resolved promises and woken workers run: a turn of the event loop, not a sleep. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Deferred {
  resolve: (result?: ProcessResult) => void;
  reject: (error: Error) => void;
}

/** A handler whose runs the test finishes one by one, recording which keys ran. */
function controlledHandler() {
  const started: string[] = [];
  const running = new Map<string, Deferred>();
  const handler = (key: string): Promise<ProcessResult | undefined> =>
    new Promise((resolve, reject) => {
      started.push(key);
      running.set(key, { resolve, reject });
    });
  const finish = async (key: string, result?: ProcessResult): Promise<void> => {
    const run = running.get(key);
    if (!run) throw new Error(`${key} is not running`);
    running.delete(key);
    run.resolve(result);
    await settle();
  };
  const fail = async (key: string): Promise<void> => {
    const run = running.get(key);
    if (!run) throw new Error(`${key} is not running`);
    running.delete(key);
    run.reject(new Error(`${key} failed`));
    await settle();
  };
  return { handler, started, running, finish, fail };
}

function queueWithClock(random = () => 0) {
  const clock = new ManualClock(1_000);
  const outcomes: ProcessOutcome[] = [];
  const depths: number[] = [];
  const queue = new WorkQueue({
    name: 'test',
    clock,
    random,
    hooks: { processed: (outcome) => outcomes.push(outcome), depthChanged: (depth) => depths.push(depth) },
  });
  return { clock, queue, outcomes, depths };
}

describe('WorkQueue', () => {
  it('queues a key once however often it is added before a worker takes it', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.depth).toBe(2);

    const { handler, started, finish } = controlledHandler();
    queue.run(handler, 1);
    await settle();
    await finish('a');
    await finish('b');
    expect(started).toEqual(['a', 'b']);
    expect(queue.depth).toBe(0);
  });

  it('never runs one key on two workers, and runs it once more if it was added while running', async () => {
    const { queue } = queueWithClock();
    const { handler, started, running, finish } = controlledHandler();
    queue.run(handler, 4);
    queue.add('a');
    await settle();
    expect(started).toEqual(['a']);

    queue.add('a');
    queue.add('a');
    queue.add('b');
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect([...running.keys()]).toEqual(['a', 'b']);

    await finish('a');
    expect(started).toEqual(['a', 'b', 'a']);
    await finish('a');
    await finish('b');
    expect(started).toEqual(['a', 'b', 'a']);
    expect(queue.depth).toBe(0);
  });

  it('runs different keys concurrently up to the worker count', async () => {
    const { queue } = queueWithClock();
    const { handler, running } = controlledHandler();
    queue.run(handler, 2);
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await settle();
    expect([...running.keys()]).toEqual(['a', 'b']);
    expect(queue.depth).toBe(1);
  });

  it('retries a failing key with growing delays, and forgets the count once it succeeds', async () => {
    const { clock, queue, outcomes } = queueWithClock();
    const { handler, started, fail, finish } = controlledHandler();
    queue.run(handler, 1);
    queue.add('a');
    await settle();

    await fail('a');
    expect(queue.numRequeues('a')).toBe(1);
    expect(clock.pending()).toEqual([{ dueInMs: 100 }]);
    clock.advance(99);
    await settle();
    expect(started).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(started).toHaveLength(2);

    await fail('a');
    expect(clock.pending()).toEqual([{ dueInMs: 200 }]);
    clock.advance(200);
    await settle();
    await fail('a');
    expect(clock.pending()).toEqual([{ dueInMs: 400 }]);
    clock.advance(400);
    await settle();

    await finish('a');
    expect(queue.numRequeues('a')).toBe(0);
    expect(clock.pending()).toEqual([]);
    expect(outcomes).toEqual(['error', 'error', 'error', 'success']);
  });

  it('caps the backoff, and keeps jittered delays within [cap·(1-jitter), cap]', () => {
    const options = { baseMs: 100, capMs: 60_000, jitter: 0.2 };
    const noJitter = (failures: number): number => backoffDelay(failures, options, () => 0);
    expect([1, 2, 3, 4, 5].map(noJitter)).toEqual([100, 200, 400, 800, 1600]);
    expect(noJitter(10)).toBe(51_200);
    expect(noJitter(11)).toBe(60_000);
    expect(noJitter(5_000)).toBe(60_000);

    for (const random of [0, 0.25, 0.5, 0.999]) {
      const delay = backoffDelay(3, options, () => random);
      expect(delay).toBeGreaterThanOrEqual(400 * 0.8);
      expect(delay).toBeLessThanOrEqual(400);
      const capped = backoffDelay(50, options, () => random);
      expect(capped).toBeGreaterThanOrEqual(60_000 * 0.8);
      expect(capped).toBeLessThanOrEqual(60_000);
    }
    expect(backoffDelay(3, options, () => 0.5)).toBe(400 * 0.9);
  });

  it('applies the jitter source to queue retries', async () => {
    const { clock, queue } = queueWithClock(() => 0.5);
    queue.addRateLimited('a');
    expect(clock.pending()).toEqual([{ dueInMs: 90 }]);
    clock.advance(90);
    queue.addRateLimited('a');
    expect(clock.pending()).toEqual([{ dueInMs: 180 }]);
  });

  it('starts the backoff over after forget', () => {
    const { clock, queue } = queueWithClock();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(2);
    clock.advance(1_000);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    queue.addRateLimited('a');
    expect(clock.pending()).toEqual([{ dueInMs: 100 }]);
  });

  it('keeps the earlier retry when a key fails again before its retry is due', () => {
    const { clock, queue } = queueWithClock();
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    expect(queue.numRequeues('a')).toBe(2);
    expect(clock.pending()).toEqual([{ dueInMs: 100 }]);
  });

  it('adds a key after a delay, keeping the earliest when delayed twice', () => {
    const { clock, queue } = queueWithClock();
    queue.addAfter('a', 5_000);
    queue.addAfter('a', 1_000);
    queue.addAfter('a', 3_000);
    expect(clock.pending()).toEqual([{ dueInMs: 1_000 }]);
    expect(queue.depth).toBe(0);
    clock.advance(1_000);
    expect(queue.depth).toBe(1);
    queue.addAfter('b', 0);
    expect(queue.depth).toBe(2);
  });

  it('requeues a key after the delay its handler asks for, as success without backoff', async () => {
    const { clock, queue, outcomes } = queueWithClock();
    const { handler, started, finish } = controlledHandler();
    queue.run(handler, 1);
    queue.add('a');
    await settle();
    await finish('a', { requeueAfterMs: 30_000 });
    expect(outcomes).toEqual(['requeue']);
    expect(queue.numRequeues('a')).toBe(0);
    expect(clock.pending()).toEqual([{ dueInMs: 30_000 }]);
    clock.advance(30_000);
    await settle();
    expect(started).toEqual(['a', 'a']);
  });

  it('reports depth as keys are queued and taken', async () => {
    const { queue, depths } = queueWithClock();
    queue.add('a');
    queue.add('b');
    const { handler } = controlledHandler();
    queue.run(handler, 1);
    await settle();
    expect(depths.at(-1)).toBe(1);
    expect(Math.max(...depths)).toBe(2);
  });

  it('on shutdown takes no new keys and resolves only after in-flight runs finish', async () => {
    const { clock, queue } = queueWithClock();
    const { handler, started, finish } = controlledHandler();
    queue.run(handler, 1);
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 1_000);
    await settle();

    let stopped = false;
    const shutdown = queue.shutdown().then(() => {
      stopped = true;
    });
    queue.add('d');
    queue.addRateLimited('e');
    await settle();
    expect(stopped).toBe(false);
    expect(clock.pending()).toEqual([]);

    await finish('a');
    await shutdown;
    expect(stopped).toBe(true);
    expect(started).toEqual(['a']);
    expect(queue.depth).toBe(0);
  });

  it('does not retry a run that failed during shutdown', async () => {
    const { clock, queue } = queueWithClock();
    const { handler, fail } = controlledHandler();
    queue.run(handler, 1);
    queue.add('a');
    await settle();
    const shutdown = queue.shutdown();
    await fail('a');
    await shutdown;
    expect(clock.pending()).toEqual([]);
  });
});
