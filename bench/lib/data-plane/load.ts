// The load generator's two drivers, both in this one process, both generic over a `call`:
// open loop (requests leave on a precomputed schedule whatever the answers do, as many
// independent agents would send them) and closed loop (N calls in flight, the next one as
// soon as one returns: the most a path sustains).

/** A monotonic clock in milliseconds (process.hrtime: not moved by NTP). */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Sends call number `i`; resolves when its whole answer is in. */
export type Call = (i: number) => Promise<unknown>;

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  /** Calls still unanswered when the driver gave up waiting. */
  unfinished: number;
  firstError?: string;
  /** Per answered call, ms: open loop from its scheduled send time, closed loop from its send. */
  latenciesMs: number[];
  elapsedMs: number;
}

/** Open loop: latency counts from the scheduled time, so a late send is charged to the path, not hidden. */
export interface OpenLoopResult extends LoadResult {
  /** How late the generator sent, ms (its own event loop): large values make the step suspect. */
  sendLagMs: number[];
}

function tally() {
  const state = { ok: 0, errors: 0, firstError: undefined as string | undefined, latenciesMs: [] as number[] };
  const fail = (error: unknown): void => {
    state.errors++;
    state.firstError ??= error instanceof Error ? error.message : String(error);
  };
  return { state, fail };
}

export function openLoop(arrivalsMs: readonly number[], call: Call, drainTimeoutMs = 60_000): Promise<OpenLoopResult> {
  const { state, fail } = tally();
  const sendLagMs: number[] = [];
  let next = 0;
  let outstanding = 0;
  const start = nowMs() + 10;
  return new Promise((resolve) => {
    let done = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(drainTimer);
      resolve({ sent: next, ...state, unfinished: outstanding, sendLagMs, elapsedMs: nowMs() - start });
    };
    const fire = (i: number, due: number): void => {
      outstanding++;
      call(i)
        .then(() => {
          state.ok++;
          state.latenciesMs.push(nowMs() - due);
        }, fail)
        .finally(() => {
          outstanding--;
          if (next >= arrivalsMs.length && outstanding === 0) finish();
        });
    };
    // Timers fire no more precisely than ~1 ms: each tick sends everything due by now.
    const tick = (): void => {
      const now = nowMs();
      while (next < arrivalsMs.length && start + (arrivalsMs[next] as number) <= now) {
        const due = start + (arrivalsMs[next] as number);
        sendLagMs.push(now - due);
        fire(next++, due);
      }
      if (next < arrivalsMs.length) {
        setTimeout(tick, Math.max(0, start + (arrivalsMs[next] as number) - nowMs()));
      } else if (outstanding === 0) {
        finish();
      } else {
        drainTimer = setTimeout(finish, drainTimeoutMs);
      }
    };
    setTimeout(tick, 10);
  });
}

/** Closed loop: `inFlight` lanes, each sending its next call when the last one returns, for `durationMs`. */
export async function closedLoop(inFlight: number, durationMs: number, call: Call): Promise<LoadResult> {
  const { state, fail } = tally();
  let sent = 0;
  const start = nowMs();
  const end = start + durationMs;
  // Only calls answered inside the window count toward the rate; stragglers are drained, not counted.
  const lane = async (): Promise<void> => {
    while (nowMs() < end) {
      const t0 = nowMs();
      try {
        await call(sent++);
        const t1 = nowMs();
        if (t1 <= end) {
          state.ok++;
          state.latenciesMs.push(t1 - t0);
        }
      } catch (error) {
        fail(error);
        // A failing path answers at once; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { sent, ...state, unfinished: 0, elapsedMs: durationMs };
}

export const callsPerSecond = (result: LoadResult): number => (result.ok * 1000) / result.elapsedMs;
