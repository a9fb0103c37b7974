// Preloaded into the router and workers (node --import) by the data-plane benchmark: counts
// the writes the process makes to sockets connected to Redis (remote port
// $SLM_FLEET_BENCH_REDIS_PORT). ioredis writes each command, or each pipeline or MULTI, in one
// socket write, so writes are the process's round trips to Redis. On SIGUSR2 it writes
// {pid, at, writes, bytes} to $SLM_FLEET_BENCH_REDIS_COUNTS_DIR/<pid>.json (through a rename, so
// a reader never sees half a file); the benchmark signals before and after each step. On
// demand rather than on a timer: the counts are exact at the step's edges and cost nothing between.
import { renameSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

const dir = process.env['SLM_FLEET_BENCH_REDIS_COUNTS_DIR'];
const port = Number(process.env['SLM_FLEET_BENCH_REDIS_PORT']);
if (dir && port) {
  const counts = { writes: 0, bytes: 0 };
  const original = Socket.prototype.write;
  // An own property on net.Socket's prototype, in front of stream.Writable's write.
  Socket.prototype.write = function (this: Socket, ...args: unknown[]): boolean {
    if (this.remotePort === port) {
      counts.writes++;
      const chunk = args[0];
      counts.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : ((chunk as Uint8Array)?.byteLength ?? 0);
    }
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof original;
  const file = join(dir, `${process.pid}.json`);
  const save = (): void => {
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, at: Date.now(), ...counts }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // counting must never break the process; the benchmark prints n/a
    }
  };
  // A listener replaces SIGUSR2's default (ending the process); signal handles keep no process alive.
  process.on('SIGUSR2', save);
  save();
}
