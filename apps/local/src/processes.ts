import { readFileSync } from 'node:fs';

// What Linux's /proc says of a process, to tell a process local mode started from an unrelated
// one that reused its pid. Reads fail (and so answer "unknown") on other systems.

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the
 * pid and the boot, it names one process. Undefined if there is no such process, or it has
 * exited and waits to be reaped (a zombie).
 */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    return state === 'Z' || state === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** Its command line, arguments separated by spaces ('' if unknown). */
export function commandLineOf(pid: number): string {
  return readNulSeparated(`/proc/${pid}/cmdline`).join(' ').trim();
}

/** The environment it started with (`NAME=value` entries; none if unreadable). */
export function environmentOf(pid: number): string[] {
  return readNulSeparated(`/proc/${pid}/environ`);
}

/** This boot's id: a start time means nothing after a reboot. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function readNulSeparated(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
