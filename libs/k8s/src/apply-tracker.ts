import { createHash } from 'node:crypto';
import type { ApiObject } from './resource.js';

/**
 * Remembers what this process last applied to each object, so a reconcile can skip a
 * server-side apply that would change nothing: same desired object, and the live object
 * still at the version our apply left it at. Without it every pod or status event of a
 * Specialist would re-send all its children (most of the operator's API traffic).
 *
 * The version is metadata.generation where the kind has one (it moves only on spec changes,
 * including hand edits, not on status updates by controllers), else resourceVersion.
 * Metadata-only hand edits do not move the generation: `forgetOwner` on the periodic resync
 * makes the next reconcile apply again, which puts those back too.
 */
export class ApplyTracker {
  private readonly applied = new Map<string, { hash: string; version: string }>();

  /** True when `desired` must be applied: new, changed, or the live object moved on. */
  needsApply(desired: ApiObject, live: ApiObject | undefined): boolean {
    const last = this.applied.get(keyOf(desired));
    return !live || !last || last.hash !== hashOf(desired) || last.version !== versionOf(live);
  }

  /** Records the result of applying `desired`. */
  recordApplied(desired: ApiObject, result: ApiObject): void {
    this.applied.set(keyOf(desired), { hash: hashOf(desired), version: versionOf(result) });
  }

  /** Forgets the objects named like their owner (the operator names children after it). */
  forgetOwner(namespace: string, name: string): void {
    for (const key of this.applied.keys()) {
      if (key.endsWith(`|${namespace}/${name}`)) this.applied.delete(key);
    }
  }

  get size(): number {
    return this.applied.size;
  }
}

const keyOf = (o: ApiObject): string =>
  `${o.apiVersion}/${o.kind}|${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const hashOf = (o: ApiObject): string => createHash('sha256').update(JSON.stringify(o)).digest('base64url');
const versionOf = (o: ApiObject): string =>
  o.metadata?.generation ? `g${o.metadata.generation}` : `rv${o.metadata?.resourceVersion ?? ''}`;
