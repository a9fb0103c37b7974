// `node watchdog.js <run file>`: started by local mode, in a process group and session of its
// own, with a pipe from local mode on its stdin. The pipe closes when local mode exits, however
// it exits (the kernel closes a dead process's files, SIGKILL included). Local mode removes its
// run file before it exits on its own; if the file is still there, local mode died without
// stopping its children, and the watchdog ends them (see run-record.ts for why, and how a pid
// is checked before it is signalled). Not imported by anything: an entry point.
import { existsSync, rmSync } from 'node:fs';
import { endRun, ownerAlive, readRunFile } from './run-record.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: watchdog.js <run file>\n');
  process.exit(2);
}

async function whenLocalModeEnds(runFile: string): Promise<void> {
  if (!existsSync(runFile)) return; // stopped its children itself
  let run = readRunFile(runFile);
  // The pipe closes while the process dies: give it a moment to be gone from /proc.
  for (let i = 0; run && ownerAlive(run) && i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    run = readRunFile(runFile);
  }
  if (!run || ownerAlive(run)) return; // closed the pipe on purpose; its children are its own
  await endRun(run);
  rmSync(runFile, { force: true });
}

process.stdin.on('error', () => undefined);
process.stdin.once('close', () => {
  void whenLocalModeEnds(file).finally(() => process.exit(0));
});
process.stdin.resume();
