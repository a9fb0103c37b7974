// Queueing arithmetic for sizing against a latency target: M/M/c (Erlang C). The policy knows
// the mean service time only, so a call's service is taken as that mean.

/** Erlang C: the probability an arrival waits, with `slots` servers and offered load `erlangs`. */
export function erlangC(slots: number, erlangs: number): number {
  if (erlangs <= 0) return 0;
  if (erlangs >= slots) return 1;
  let blocking = 1; // Erlang B by its stable recursion
  for (let i = 1; i <= slots; i++) blocking = (erlangs * blocking) / (i + erlangs * blocking);
  return (slots * blocking) / (slots - erlangs * (1 - blocking));
}

/**
 * P(a call waits longer than `waitBudgetSeconds` before it starts), M/M/c: slots, offered
 * load in Erlangs (calls in service), mean service time in seconds.
 */
export function waitBeyond(slots: number, erlangs: number, serviceSeconds: number, waitBudgetSeconds: number): number {
  if (erlangs >= slots) return 1;
  const drainRate = (slots - erlangs) / serviceSeconds;
  return erlangC(slots, erlangs) * Math.exp(-drainRate * Math.max(0, waitBudgetSeconds));
}

/**
 * The fewest replicas (each `concurrency` slots) with which at most `missBudget` of calls wait
 * longer than the latency target leaves after their own service. Up to `limit` replicas.
 */
export function replicasForTarget(
  erlangs: number,
  concurrency: number,
  serviceSeconds: number,
  targetSeconds: number,
  missBudget: number,
  limit = 10_000,
): number {
  if (erlangs <= 0) return 0;
  for (let n = Math.max(1, Math.floor(erlangs / concurrency)); n <= limit; n++) {
    if (waitBeyond(n * concurrency, erlangs, serviceSeconds, targetSeconds - serviceSeconds) <= missBudget) return n;
  }
  return limit;
}
