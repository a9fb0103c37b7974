import type { LoggerService } from '@nestjs/common';
import {
  ADD,
  DELETE,
  ERROR,
  ListWatch,
  UPDATE,
  Watch,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import { listJson } from './list-json.js';
import type { ApiObject } from './resource.js';

export type ListWatchEventType = 'added' | 'updated' | 'deleted';

export interface RestartingListWatchOptions<T extends ApiObject> {
  kubeConfig: KubeConfig;
  /** Collection path, such as /api/v1/namespaces/ns/configmaps. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  backoff: BackoffOptions;
  clock: Clock;
  random?: () => number;
  logger: LoggerService;
  onEvent: (type: ListWatchEventType, object: T) => void;
  /** Called once, when the first list has been delivered as events. */
  onSynced: () => void;
}

/** Hooks into the points of client-node's ListWatch cycle that it does not report itself. */
interface WatchHooks {
  isStopped: () => boolean;
  /** ListWatch calls watch() right after it applied a list (or to resume from a resourceVersion). */
  beforeWatch: () => void;
  /** The watch request was answered 200: the API server is reachable again. */
  connected: () => void;
}

/**
 * client-node's Watch, observed. It also refuses to start a watch once stopped: ListWatch.stop()
 * during the initial list does not stop ListWatch from watching after the list returns.
 */
class ObservedWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly hooks: WatchHooks,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.hooks.isStopped()) {
      const idle = new AbortController();
      idle.abort();
      return idle;
    }
    this.hooks.beforeWatch();
    let failed = false;
    const controller = await super.watch(path, queryParams, callback, (err) => {
      if (err) failed = true;
      done(err);
    });
    if (!failed) this.hooks.connected();
    return controller;
  }
}

/**
 * One client-node ListWatch kept alive. ListWatch relists by itself on 410 Gone and re-watches
 * when the server closes a watch, but on any other error (API server down, connection reset,
 * 5xx, a failed list) it reports ERROR and stops for good. Here every such error restarts it
 * after an exponential backoff; the restart resumes from the last resourceVersion, and a
 * resourceVersion too old by then is answered with 410, on which ListWatch relists (emitting
 * deletes for objects that vanished meanwhile).
 */
export class RestartingListWatch<T extends ApiObject> {
  /** Typed loosely: ListWatch reads only metadata name, namespace and resourceVersion. */
  private readonly listWatch: ListWatch<KubernetesObject>;
  private stopped = true;
  private synced = false;
  private failures = 0;
  private restartTimer: TimerHandle | undefined;
  private restartCount = 0;

  constructor(private readonly options: RestartingListWatchOptions<T>) {
    const watch = new ObservedWatch(options.kubeConfig, {
      isStopped: () => this.stopped,
      beforeWatch: () => this.markSynced(),
      connected: () => {
        this.failures = 0;
      },
    });
    const list = () =>
      listJson<KubernetesObject>(options.kubeConfig, options.path, {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      });
    this.listWatch = new ListWatch<KubernetesObject>(
      options.path,
      watch,
      list,
      false,
      options.labelSelector,
      options.fieldSelector,
    );
    // Objects arrive as parsed JSON (see listJson), which is what T describes.
    this.listWatch.on(ADD, (object) => options.onEvent('added', object as T));
    this.listWatch.on(UPDATE, (object) => options.onEvent('updated', object as T));
    this.listWatch.on(DELETE, (object) => options.onEvent('deleted', object as T));
    this.listWatch.on(ERROR, (error) => this.restartAfterError(error));
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Restarts after errors since construction. */
  get restarts(): number {
    return this.restartCount;
  }

  start(): void {
    this.stopped = false;
    this.begin();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) this.options.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.listWatch.stop();
  }

  private begin(): void {
    this.listWatch.start().catch((error: unknown) => this.restartAfterError(error));
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.options.onSynced();
  }

  private restartAfterError(error: unknown): void {
    // Stopping aborts the watch request, which ListWatch reports as an error too.
    if (this.stopped || this.restartTimer !== undefined) return;
    this.failures++;
    this.restartCount++;
    const delayMs = backoffDelay(this.failures, this.options.backoff, this.options.random);
    this.options.logger.warn({
      msg: 'list/watch failed; restarting',
      path: this.options.path,
      error: error instanceof Error ? error.message : String(error),
      failures: this.failures,
      retryInMs: Math.round(delayMs),
    });
    this.restartTimer = this.options.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) this.begin();
    }, delayMs);
  }
}
