/**
 * Admission to the engine's batch: at most `maxBatch` requests generate at once, the rest wait
 * in arrival order. It only keeps the books and calls `start`; timing is the caller's.
 */
export class BatchScheduler<T> {
  private readonly active = new Set<T>();
  // Waiting items in arrival order. A client that gives up while waiting is only dropped from
  // `waiting`; the queue skips it when its turn comes. (Taking the first entry of a Set after
  // many deletes is not O(1) in V8, so the Set alone would make long queues quadratic.)
  private readonly waiting = new Set<T>();
  private queue: T[] = [];
  private head = 0;
  private pumping = false;

  constructor(
    private readonly maxBatch: number,
    private readonly start: (item: T) => void,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new Error(`maxBatch must be an integer ≥ 1, not ${maxBatch}`);
  }

  /** Queues `item`; it starts at once if the batch has room. */
  submit(item: T): void {
    this.waiting.add(item);
    this.queue.push(item);
    this.pump();
  }

  /** Takes `item` out, running or waiting, and lets the next waiting items in. */
  release(item: T): void {
    if (this.active.delete(item) || this.waiting.delete(item)) this.pump();
  }

  isActive(item: T): boolean {
    return this.active.has(item);
  }

  get activeCount(): number {
    return this.active.size;
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  // A loop, not recursion: `start` may finish its item at once and release it from inside this
  // loop (zero latency), which must not nest one stack frame per waiting item.
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.active.size < this.maxBatch && this.head < this.queue.length) {
        const next = this.queue[this.head++] as T;
        if (!this.waiting.delete(next)) continue; // gave up while waiting
        this.active.add(next);
        this.start(next);
      }
    } finally {
      this.pumping = false;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
