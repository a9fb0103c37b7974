import type { AgentTask, Specialist } from '@slm-fleet/api';
import { buildRoutingTable, type TaskRoute } from '@slm-fleet/routing';

/** Where the router's routing table comes from: the cluster (informers) or local mode's files. */
export interface RoutingSource {
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  current(): ReadonlyMap<string, TaskRoute>;
}

/** The resources local mode declares, with the status its process manager gives them. */
export interface LocalResources {
  specialists: readonly Specialist[];
  agentTasks: readonly AgentTask[];
}

/**
 * A routing table over resources held in memory (local mode: Specialists and AgentTasks read
 * from YAML files, their readiness from the worker processes). `refresh()` rebuilds it after
 * they change.
 */
export class FixedRoutingSource implements RoutingSource {
  private table: ReadonlyMap<string, TaskRoute> = new Map();

  constructor(
    private readonly namespace: string,
    private readonly resources: () => LocalResources,
  ) {
    this.refresh();
  }

  refresh(): void {
    const { specialists, agentTasks } = this.resources();
    this.table = buildRoutingTable(this.namespace, [...specialists], [...agentTasks]);
  }

  start(): void {}

  async stop(): Promise<void> {}

  hasSynced(): boolean {
    return true;
  }

  current(): ReadonlyMap<string, TaskRoute> {
    return this.table;
  }
}
