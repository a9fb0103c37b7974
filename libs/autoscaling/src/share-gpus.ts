// Sharing scarce GPUs between Specialists that want to scale up.
//
// - Running replicas are never taken away: every grant is at least min(current, desired).
// - A request for fewer replicas than it has gets what it asks for, at once; the GPUs it
//   frees are not handed out here, since they are free only once its pods are gone (the
//   next call sees them in `freeGpus`).
// - Free GPUs go one replica at a time to the best-ranked request still short: highest
//   priority, then fewest replicas so far (so equals take turns), then name.
// - No backfilling: when the best-ranked request needs more GPUs per replica than are
//   left, nobody ranked below it gets them, or small requests would starve it forever.
import type { GpuGrant, GpuRequest } from './types.js';

interface Claim {
  request: GpuRequest;
  added: number;
}

export function shareGpus(requests: GpuRequest[], freeGpus: number): GpuGrant[] {
  let free = Number.isFinite(freeGpus) ? Math.max(0, Math.floor(freeGpus)) : 0;
  const claims = new Map<GpuRequest, Claim>();
  for (const request of requests) {
    if (request.desiredReplicas > request.currentReplicas && request.gpusPerReplica > 0) {
      claims.set(request, { request, added: 0 });
    }
  }

  let blocked: Claim | undefined;
  for (;;) {
    const next = [...claims.values()].filter(short).sort(rank)[0];
    if (next === undefined) break;
    if (next.request.gpusPerReplica > free) {
      blocked = next;
      break;
    }
    next.added += 1;
    free -= next.request.gpusPerReplica;
  }

  return requests.map((request) => {
    const claim = claims.get(request);
    if (claim === undefined) return { specialist: request.specialist, replicas: request.desiredReplicas };
    const replicas = request.currentReplicas + claim.added;
    if (!short(claim)) return { specialist: request.specialist, replicas };
    const gpus = (request.desiredReplicas - replicas) * request.gpusPerReplica;
    const wanted = `waiting for ${gpus} GPU${gpus === 1 ? '' : 's'}`;
    const ahead = [...claims.values()]
      .filter((other) => other !== claim && (other.added > 0 || other === blocked))
      .filter((other) => other.request.priority >= request.priority)
      .sort((a, b) => b.request.priority - a.request.priority || byName(a, b))[0];
    let shortBy: string;
    if (ahead === undefined) shortBy = free === 0 ? `${wanted}: none free` : `${wanted}: only ${free} free`;
    else if (ahead.request.priority > request.priority) {
      shortBy = `${wanted}; higher-priority ${ahead.request.specialist} goes first`;
    } else shortBy = `${wanted}; sharing with same-priority ${ahead.request.specialist}`;
    return { specialist: request.specialist, replicas, shortBy };
  });
}

const short = (claim: Claim): boolean => claim.request.currentReplicas + claim.added < claim.request.desiredReplicas;

const byName = (a: Claim, b: Claim): number =>
  a.request.specialist < b.request.specialist ? -1 : a.request.specialist > b.request.specialist ? 1 : 0;

function rank(a: Claim, b: Claim): number {
  return (
    b.request.priority - a.request.priority ||
    a.request.currentReplicas + a.added - (b.request.currentReplicas + b.added) ||
    byName(a, b)
  );
}
