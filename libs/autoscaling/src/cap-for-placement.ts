// "When the cluster cannot place more pods, do not keep asking."
//
// `current` is the count asked for now (spec.replicas); it already includes the pods stuck
// Pending as Unschedulable. While any are stuck, asking for more only adds more pods that
// cannot be placed either, so the ask is held at `current`: the stuck pods keep their
// place and start as soon as a GPU frees, and the decision resumes once they are placed.
// Scaling down is never held back (it may be exactly what frees room).
export interface PlacementCap {
  /** The replica count to ask for. */
  replicas: number;
  /** True when `desired` was cut because pods cannot be placed. */
  capped: boolean;
  /** Why, for status and events, when capped. */
  reason?: string | undefined;
}

export function capForPlacement(desired: number, current: number, pendingUnschedulable: number): PlacementCap {
  if (!(pendingUnschedulable > 0) || desired <= current) return { replicas: desired, capped: false };
  const pods = pendingUnschedulable === 1 ? '1 pod' : `${pendingUnschedulable} pods`;
  return {
    replicas: current,
    capped: true,
    reason: `${pods} cannot be placed: holding at ${current} instead of ${desired}`,
  };
}
