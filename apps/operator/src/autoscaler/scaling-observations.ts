import type { ScalingObservation } from '@slm-fleet/workloads';

/** How often a changing queue snapshot may cause a status write (a busy queue changes every interval). */
const QUEUE_STATUS_EVERY_MS = 15_000;

/**
 * What the autoscaler saw of each Specialist, for the status the reconciler writes: the
 * reconciler stays the one writer of status, and the API server is not written every interval.
 */
export class ScalingObservations {
  private readonly byKey = new Map<string, ScalingObservation>();
  private readonly queueShownAt = new Map<string, number>();

  get(key: string): ScalingObservation | undefined {
    return this.byKey.get(key);
  }

  /** Records an observation; true when the status should be written again for it. */
  record(key: string, next: ScalingObservation, now: number): boolean {
    const before = this.byKey.get(key);
    this.byKey.set(key, next);
    const first = before === undefined;
    if (first || before.lastScaleTime !== next.lastScaleTime || before.gpuShortfall !== next.gpuShortfall) {
      this.queueShownAt.set(key, now);
      return true;
    }
    const queueBefore = before?.queue;
    const queueNow = next.queue;
    if (queueBefore?.waiting === queueNow?.waiting && queueBefore?.active === queueNow?.active) return false;
    // Going idle or busy shows at once; the counts of a busy queue at most every 15 s.
    const idleChanged = isIdle(queueBefore) !== isIdle(queueNow);
    if (!idleChanged && now - (this.queueShownAt.get(key) ?? 0) < QUEUE_STATUS_EVERY_MS) return false;
    this.queueShownAt.set(key, now);
    return true;
  }

  forgetAllBut(keep: ReadonlySet<string>): void {
    for (const key of this.byKey.keys()) {
      if (!keep.has(key)) {
        this.byKey.delete(key);
        this.queueShownAt.delete(key);
      }
    }
  }
}

function isIdle(queue: ScalingObservation['queue']): boolean {
  return (queue?.waiting ?? 0) + (queue?.active ?? 0) === 0;
}
