// The latest probe of each engine.kind openai Specialist's endpoint. A reconcile reads it; it
// probes inline only when the Specialist's spec changed (a new generation) or was never probed,
// so the status it writes always reflects the spec it saw. Between spec changes the leader's
// timer re-probes in the background (refresh), and a changed answer enqueues the Specialist.
import { objectKey } from '@slm-fleet/k8s';
import type { Specialist } from '@slm-fleet/api';
import type { EndpointHealth } from '@slm-fleet/workloads';

interface Entry {
  generation: number | undefined;
  health: EndpointHealth;
  at: number;
}

export interface EndpointProbesDeps {
  /** Reads the key, probes the endpoint, classifies the answer. Never throws. */
  check: (specialist: Specialist) => Promise<EndpointHealth>;
  /** A background probe changed what this Specialist's status would say (namespace/name). */
  onChange: (key: string) => void;
  /** A result younger than this is not probed again by refresh. */
  maxAgeMs: number;
  now?: () => number;
}

export class EndpointProbes {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, { generation: number | undefined; probe: Promise<EndpointHealth> }>();

  constructor(private readonly deps: EndpointProbesDeps) {}

  /** The health for this generation of the Specialist: the last probe of it, else a probe now. */
  async healthOf(specialist: Specialist): Promise<EndpointHealth> {
    const entry = this.entries.get(objectKey(specialist));
    if (entry && entry.generation === specialist.metadata.generation) return entry.health;
    return this.probe(specialist);
  }

  /** Re-probes, in the background, each Specialist whose result is older than maxAgeMs. */
  refresh(specialists: readonly Specialist[]): void {
    const now = this.now();
    for (const specialist of specialists) {
      const key = objectKey(specialist);
      const before = this.entries.get(key);
      if (before && now - before.at < this.deps.maxAgeMs) continue;
      void this.probe(specialist).then((health) => {
        if (!before || !sameHealth(before.health, health)) this.deps.onChange(key);
      });
    }
  }

  /** Drops the results of Specialists not in `keys` (deleted, or no longer openai). */
  forgetAllBut(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
  }

  /** One probe per Specialist and generation at a time: a second caller shares the first's. */
  private probe(specialist: Specialist): Promise<EndpointHealth> {
    const key = objectKey(specialist);
    const generation = specialist.metadata.generation;
    const running = this.running.get(key);
    if (running && running.generation === generation) return running.probe;
    const probe = this.deps.check(specialist).then((health) => {
      // A probe of an older spec that ends last does not overwrite a newer one.
      const kept = this.entries.get(key);
      if (!kept || kept.generation === generation || this.running.get(key)?.probe === probe) {
        this.entries.set(key, { generation, health, at: this.now() });
      }
      if (this.running.get(key)?.probe === probe) this.running.delete(key);
      return health;
    });
    this.running.set(key, { generation, probe });
    return probe;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

const sameHealth = (a: EndpointHealth, b: EndpointHealth): boolean =>
  a.ready === b.ready && a.reason === b.reason && a.message === b.message;
