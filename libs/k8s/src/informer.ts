import type { LoggerService } from '@nestjs/common';
import type { KubeConfig } from '@kubernetes/client-node';
import type { BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { collectionPath, objectKey, type ApiObject, type ResourceRef } from './resource.js';
import { RestartingListWatch, type ListWatchEventType } from './restarting-list-watch.js';

/** `resync` re-delivers a cached object unchanged, so level-triggered reconciles heal drift. */
export type InformerEventType = ListWatchEventType | 'resync';

export interface InformerEvent<T> {
  type: InformerEventType;
  object: T;
  /** The cached object before an update. */
  previous?: T;
}

export type InformerHandler<T> = (event: InformerEvent<T>) => void;

export interface InformerOptions {
  kubeConfig: KubeConfig;
  resource: ResourceRef;
  /** Watch only these namespaces (one watch each); all namespaces if absent or empty. */
  namespaces?: string[];
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object this often; 0 or absent: never. */
  resyncPeriodMs?: number;
  /** Delay between restarts of a failed list/watch; defaults 800 ms doubling to 30 s. */
  restartBackoff?: Partial<BackoffOptions>;
  logger: LoggerService;
  clock?: Clock;
  random?: () => number;
}

const DEFAULT_RESTART_BACKOFF: BackoffOptions = { baseMs: 800, capMs: 30_000, jitter: 0.2 };

/**
 * A shared informer: lists and watches one resource over all namespaces or a given set, keeps
 * the objects in a cache keyed `namespace/name`, and tells handlers about every change. It
 * survives API server restarts and broken connections (see RestartingListWatch).
 */
export class Informer<T extends ApiObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers = new Set<InformerHandler<T>>();
  private readonly watches: RestartingListWatch<T>[];
  private readonly clock: Clock;
  private readonly syncWaiters: (() => void)[] = [];
  private resyncTimer: TimerHandle | undefined;
  private running = false;

  constructor(private readonly options: InformerOptions) {
    this.clock = options.clock ?? systemClock;
    const namespaces = options.namespaces?.length ? options.namespaces : [undefined];
    this.watches = namespaces.map(
      (namespace) =>
        new RestartingListWatch<T>({
          kubeConfig: options.kubeConfig,
          path: collectionPath(options.resource, namespace),
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          backoff: { ...DEFAULT_RESTART_BACKOFF, ...options.restartBackoff },
          clock: this.clock,
          random: options.random,
          logger: options.logger,
          onEvent: (type, object) => this.apply(type, object),
          onSynced: () => this.checkSynced(),
        }),
    );
  }

  /** Registers a handler for every later event; returns a function that unregisters it. */
  on(handler: InformerHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const watch of this.watches) watch.start();
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    await Promise.all(this.watches.map((watch) => watch.stop()));
  }

  /** True once every watched namespace has been listed into the cache. */
  hasSynced(): boolean {
    return this.watches.every((watch) => watch.hasSynced);
  }

  /** Resolves once hasSynced(): workers should not start before (they would see a partial world). */
  waitForSync(): Promise<void> {
    if (this.hasSynced()) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The cached object with this key (`namespace/name`, or `name` if cluster-scoped). */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  /** Restarts of failed list/watches since start, over all namespaces. */
  get restarts(): number {
    return this.watches.reduce((sum, watch) => sum + watch.restarts, 0);
  }

  private apply(type: ListWatchEventType, object: T): void {
    const key = objectKey(object);
    const previous = this.cache.get(key);
    if (type === 'deleted') this.cache.delete(key);
    else this.cache.set(key, object);
    this.emit({ type, object, previous });
  }

  private emit(event: InformerEvent<T>): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        // A throwing handler must not break ListWatch's event loop (which would swallow or crash).
        this.options.logger.error({
          msg: 'informer handler threw',
          key: objectKey(event.object),
          event: event.type,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  private checkSynced(): void {
    if (!this.hasSynced()) return;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private scheduleResync(): void {
    const period = this.options.resyncPeriodMs ?? 0;
    if (period <= 0 || !this.running) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const object of [...this.cache.values()]) this.emit({ type: 'resync', object });
      this.scheduleResync();
    }, period);
  }
}
