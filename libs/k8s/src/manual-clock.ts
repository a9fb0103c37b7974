import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to, for unit tests of anything that takes a `Clock`.
 * `advance(ms)` fires the timers that fall due, in due order, each with `now()` at its due time.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, dueAt: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers not yet fired, soonest first: lets a test see what was scheduled, and for when. */
  pending(): { dueInMs: number }[] {
    return this.sorted().map((timer) => ({ dueInMs: timer.dueAt - this.current }));
  }

  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = this.sorted()[0];
      if (!next || next.dueAt > until) break;
      this.timers = this.timers.filter((timer) => timer.id !== next.id);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = until;
  }

  private sorted(): PendingTimer[] {
    return [...this.timers].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  }
}
