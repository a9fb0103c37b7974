// One socket write per turn of the event loop for a Redis connection, instead of one per
// command. On these VMs a loopback write (and the wake-up of the reader it causes) costs tens
// of microseconds: a BullMQ worker's scripts, one write each, were its largest CPU cost.
//
// Why not ioredis auto-pipelining: it keeps one pipeline in flight per connection, so a
// command issued while a batch awaits its replies waits for all of them (stop-and-wait). On a
// worker's BullMQ connection that held streamed calls back. Here commands are sent as before,
// in order, each with its own reply; only the system calls are merged (cork, then uncork once
// the turn's callbacks have run).
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

const COALESCING = Symbol('slm-fleet.coalescing');

type CoalescingSocket = Socket & { [COALESCING]?: true };

/** Merges the writes `client` makes in one event-loop turn, on every connection it opens. */
export function coalesceWrites(client: Redis): void {
  const patch = (): void => {
    const socket = client.stream as CoalescingSocket | undefined;
    if (!socket || socket[COALESCING]) return;
    socket[COALESCING] = true;
    const write = socket.write;
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
      if (!corked) {
        corked = true;
        this.cork();
        // After the poll phase: every completion that arrived in this turn has written by then.
        setImmediate(uncork);
      }
      return write.apply(this, args);
    } as Socket['write'];
  };
  // A reconnect opens a new socket: patch each one as it connects.
  client.on('connect', patch);
  patch();
}
