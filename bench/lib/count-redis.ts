// Preloaded into the router and workers (node --import) by the data-plane benchmark: counts
// the writes the process makes to sockets connected to Redis (remote port
// $SLM_FLEET_BENCH_REDIS_PORT), as the socket flushes them: `_write` for a single chunk and
// `_writev` for what a cork gathered, one system call each. ioredis writes each command, or
// each pipeline or MULTI, in one `write`, and a corked connection (libs/queue's coalesceWrites)
// flushes a turn's commands in one `_writev`, so these are the process's round trips to Redis.
// On SIGUSR2 it writes {pid, at, writes, bytes} to $SLM_FLEET_BENCH_REDIS_COUNTS_DIR/<pid>.json
// (through a rename, so a reader never sees half a file); the benchmark signals before and
// after each step. On demand rather than on a timer: the counts are exact at the step's edges
// and cost nothing between.
import { renameSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

const dir = process.env['SLM_FLEET_BENCH_REDIS_COUNTS_DIR'];
const port = Number(process.env['SLM_FLEET_BENCH_REDIS_PORT']);
if (dir && port) {
  const counts = { writes: 0, bytes: 0 };
  const size = (chunk: unknown): number =>
    typeof chunk === 'string' ? Buffer.byteLength(chunk) : ((chunk as Uint8Array)?.byteLength ?? 0);
  type Flush = (this: Socket, ...args: unknown[]) => void;
  const proto = Socket.prototype as unknown as { _write: Flush; _writev: Flush };
  const write = proto._write;
  const writev = proto._writev;
  // Own properties on net.Socket's prototype, in front of the stream machinery's calls.
  proto._write = function (this: Socket, ...args: unknown[]): void {
    if (this.remotePort === port) {
      counts.writes++;
      counts.bytes += size(args[0]);
    }
    write.apply(this, args);
  };
  proto._writev = function (this: Socket, ...args: unknown[]): void {
    if (this.remotePort === port) {
      counts.writes++;
      for (const { chunk } of args[0] as { chunk: unknown }[]) counts.bytes += size(chunk);
    }
    writev.apply(this, args);
  };
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
