/** How many answers may pass before a window's stats are computed again (every answer until then). */
const RECOMPUTE_EVERY = 10;

/**
 * A ring of the last `size` values with stats computed from them: on every value until the
 * ring holds RECOMPUTE_EVERY, then every RECOMPUTE_EVERY values (sorting 100 numbers per
 * answer is cheap, but not free at thousands of calls a second). A call reads the cached stats.
 */
export class RecentWindow<T, S> {
  private readonly values: T[] = [];
  private next = 0;
  private sinceComputed = 0;
  stats: S | undefined;

  constructor(
    private readonly size: number,
    private readonly compute: (values: readonly T[]) => S | undefined,
  ) {}

  add(value: T): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
    if (this.values.length <= RECOMPUTE_EVERY || ++this.sinceComputed >= RECOMPUTE_EVERY) {
      this.stats = this.compute(this.values);
      this.sinceComputed = 0;
    }
  }
}
