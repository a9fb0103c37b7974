import type { LoggerService } from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION, type AgentTask, type Specialist } from '@slm-fleet/api';
import { Informer } from '@slm-fleet/k8s';
import { buildRoutingTable, type TaskRoute } from '@slm-fleet/routing';

/**
 * The router's view of its namespace's Specialists and AgentTasks: two read-only informers,
 * and a routing table rebuilt (once per burst of changes) whenever either changes, so edits
 * apply to the next call without a restart.
 */
export class RoutingTableSource {
  private table = new Map<string, TaskRoute>();
  private rebuildQueued = false;
  private readonly specialists: Informer<Specialist>;
  private readonly agentTasks: Informer<AgentTask>;

  constructor(
    kubeConfig: KubeConfig,
    private readonly namespace: string,
    logger: LoggerService,
  ) {
    const common = { kubeConfig, namespaces: [namespace], logger };
    this.specialists = new Informer<Specialist>({
      ...common,
      resource: { group: GROUP, version: VERSION, plural: 'specialists' },
    });
    this.agentTasks = new Informer<AgentTask>({
      ...common,
      resource: { group: GROUP, version: VERSION, plural: 'agenttasks' },
    });
    for (const informer of [this.specialists, this.agentTasks]) informer.on(() => this.queueRebuild());
  }

  start(): void {
    this.specialists.start();
    this.agentTasks.start();
    void this.waitForSync();
  }

  async stop(): Promise<void> {
    await Promise.all([this.specialists.stop(), this.agentTasks.stop()]);
  }

  hasSynced(): boolean {
    return this.specialists.hasSynced() && this.agentTasks.hasSynced();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([this.specialists.waitForSync(), this.agentTasks.waitForSync()]);
    this.rebuild();
  }

  current(): ReadonlyMap<string, TaskRoute> {
    return this.table;
  }

  private queueRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    queueMicrotask(() => {
      this.rebuildQueued = false;
      this.rebuild();
    });
  }

  private rebuild(): void {
    this.table = buildRoutingTable(this.namespace, this.specialists.list(), this.agentTasks.list());
  }
}
