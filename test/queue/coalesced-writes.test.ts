// coalesceWrites against a real Redis: the commands one turn of the event loop issues leave in
// one socket flush, each still gets its own reply in order, a command issued while earlier
// replies are pending is sent at once (no stop-and-wait), and a reconnect's new socket
// coalesces too.
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '@slm-fleet/queue';
import { eventually, useSuiteEnv } from '@slm-fleet/testing';

const env = useSuiteEnv('coalesced-writes');

/** Counts the flushes (system calls) of the client's current socket. */
function countFlushes(client: Redis): { flushes: number } {
  const counter = { flushes: 0 };
  const socket = client.stream as Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method].bind(socket);
    socket[method] = (...args: unknown[]) => {
      counter.flushes++;
      original(...args);
    };
  }
  return counter;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  const clients: Redis[] = [];
  const connect = async (): Promise<Redis> => {
    const client = new Redis(env().redisUrl, { maxRetriesPerRequest: null });
    clients.push(client);
    coalesceWrites(client);
    await client.ping();
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  it("sends one turn's commands in one flush, each with its own reply, in order", async () => {
    const client = await connect();
    const key = (i: number) => `${env().redisPrefix}k${i}`;
    const counter = countFlushes(client);
    const writes = Array.from({ length: 50 }, (_, i) => client.set(key(i), `v${i}`));
    expect((client.stream as Socket).writableCorked).toBe(1);
    const reads = Array.from({ length: 50 }, (_, i) => client.get(key(i)));
    await nextTurn();
    expect((client.stream as Socket).writableCorked).toBe(0);
    expect(counter.flushes).toBe(1);
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 50 }, () => 'OK'));
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
  });

  it('sends a command while earlier replies are pending: no stop-and-wait', async () => {
    const client = await connect();
    const blocker = await connect();
    const list = `${env().redisPrefix}list`;
    // A blocking pop on the same connection holds its reply until the push below.
    const popped = client.blpop(list, 5);
    await nextTurn();
    const counter = countFlushes(client);
    const pushed = blocker.rpush(list, 'x');
    const length = client.llen(`${env().redisPrefix}other`);
    await nextTurn();
    expect(counter.flushes).toBe(1); // llen left while blpop's reply was still pending
    expect(await pushed).toBe(1);
    expect(await popped).toEqual([list, 'x']);
    expect(await length).toBe(0);
  });

  it("coalesces on a reconnect's new socket too", async () => {
    const client = await connect();
    const before = client.stream;
    const id = await client.client('ID');
    const admin = await connect();
    await admin.client('KILL', 'ID', String(id));
    await eventually(async () => {
      expect(client.stream).not.toBe(before);
      expect(await client.ping()).toBe('PONG');
    });
    const counter = countFlushes(client);
    const replies = Promise.all([client.ping(), client.ping(), client.ping()]);
    await nextTurn();
    expect(counter.flushes).toBe(1);
    expect(await replies).toEqual(['PONG', 'PONG', 'PONG']);
  });
});
