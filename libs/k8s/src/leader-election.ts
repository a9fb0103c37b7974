import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import {
  DEFAULT_LEASE_DURATIONS,
  checkLeaseDurations,
  decide,
  renewDeadlinePassed,
  type LeaseAction,
  type LeaseDurations,
  type ObservedLease,
} from './lease-decision.js';

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  /** Where the coordination.k8s.io/v1 Lease lives (the operator's own namespace). */
  namespace: string;
  leaseName: string;
  /** Unique per replica; defaults to `<hostname>-<random>`. */
  identity?: string;
  durations?: Partial<LeaseDurations>;
  clock?: Clock;
  logger: LoggerService;
  /** This replica now leads; `signal` aborts when it stops leading. */
  onStartedLeading: (signal: AbortSignal) => void;
  /** This replica stopped leading (lost the lease, or stopped); awaited before a graceful release. */
  onStoppedLeading: () => void | Promise<void>;
  /** Another replica was seen holding the lease. */
  onNewLeader?: (identity: string) => void;
}

const isStatus = (error: unknown, code: number): boolean => (error as { code?: unknown })?.code === code;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Leader election over a Lease, as client-go does it: the leader renews every retry period;
 * a standby takes the Lease over once it has not changed for the lease duration; every write
 * carries the resourceVersion it was decided on, so of two candidates only one can win. A
 * leader that cannot renew for the renew deadline (shorter than the lease) stops leading by
 * itself, before anyone else can acquire. A graceful stop releases the Lease so a standby
 * takes over at its next look instead of after the lease duration.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private readonly clock: Clock;
  private readonly durations: LeaseDurations;
  private observed: ObservedLease | undefined;
  private leading: AbortController | undefined;
  private lastRenewedAtMs = 0;
  private lastSeenLeader = '';
  private running = false;
  private tickTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.clock = options.clock ?? systemClock;
    this.durations = { ...DEFAULT_LEASE_DURATIONS, ...options.durations };
    checkLeaseDurations(this.durations);
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /**
   * Stops campaigning. With `release` (the default) a leader first stops leading (awaiting
   * onStoppedLeading) and then clears the Lease's holder; without it the Lease is left to
   * expire, as after a crash.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    if (this.tickTimer !== undefined) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    await this.inFlight;
    const wasLeading = this.isLeader();
    await this.stepDown('stopping');
    if (wasLeading && options.release !== false) await this.release();
  }

  private tick(): void {
    if (!this.running) return;
    this.inFlight = this.attempt()
      .catch((error: unknown) =>
        this.options.logger.warn({ msg: 'leader election attempt failed', error: message(error) }),
      )
      .finally(() => {
        if (this.running) this.tickTimer = this.clock.setTimeout(() => this.tick(), this.durations.retryPeriodMs);
      });
  }

  private async attempt(): Promise<void> {
    const lease = await this.readLease();
    const now = this.clock.now();
    this.observe(lease, now);
    const action = decide(this.observed, this.identity, now, this.durations);
    if (action.kind === 'wait') {
      if (this.isLeader()) await this.stepDown(`lease is held by ${action.holder}`);
      this.noteLeader(action.holder);
      return;
    }
    const written = await this.write(action, lease, now);
    if (!written) return;
    this.observe(written, now);
    this.lastRenewedAtMs = now;
    if (!this.isLeader()) this.becomeLeader(action);
    this.armDeadline();
  }

  /** The Lease, or undefined if it does not exist; a 409 on write means someone was faster. */
  private async write(action: Exclude<LeaseAction, { kind: 'wait' }>, lease: V1Lease | undefined, now: number) {
    const time = new V1MicroTime(now);
    const leaseDurationSeconds = Math.ceil(this.durations.leaseDurationMs / 1000);
    try {
      if (action.kind === 'create') {
        return await this.withTimeout(
          this.api.createNamespacedLease({
            namespace: this.options.namespace,
            body: {
              metadata: { name: this.options.leaseName, namespace: this.options.namespace },
              spec: {
                holderIdentity: this.identity,
                leaseDurationSeconds,
                acquireTime: time,
                renewTime: time,
                leaseTransitions: 0,
              },
            },
          }),
        );
      }
      if (!lease?.metadata?.resourceVersion) throw new Error('cannot update a Lease read without resourceVersion');
      const spec = { ...lease.spec, renewTime: time, leaseDurationSeconds, holderIdentity: this.identity };
      if (action.kind === 'acquire') {
        spec.acquireTime = time;
        spec.leaseTransitions = (lease.spec?.leaseTransitions ?? 0) + 1;
      }
      // replace (PUT) carries metadata.resourceVersion: the API server rejects it with 409 if the
      // Lease changed since we read it, so a lost race can never overwrite the winner.
      return await this.withTimeout(
        this.api.replaceNamespacedLease({
          name: this.options.leaseName,
          namespace: this.options.namespace,
          body: { ...lease, spec },
        }),
      );
    } catch (error) {
      const level = isStatus(error, 409) ? 'debug' : 'warn';
      this.options.logger[level]?.({
        msg: `lease ${action.kind} failed`,
        identity: this.identity,
        error: message(error),
      });
      return undefined;
    }
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.withTimeout(
        this.api.readNamespacedLease({ name: this.options.leaseName, namespace: this.options.namespace }),
      );
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Remembers the Lease, and when its resourceVersion was first seen (expiry runs from then). */
  private observe(lease: V1Lease | undefined, now: number): void {
    const resourceVersion = lease?.metadata?.resourceVersion;
    if (!lease || !resourceVersion) {
      this.observed = undefined;
      return;
    }
    const observedAtMs = this.observed?.resourceVersion === resourceVersion ? this.observed.observedAtMs : now;
    this.observed = {
      holderIdentity: lease.spec?.holderIdentity,
      leaseDurationSeconds: lease.spec?.leaseDurationSeconds,
      resourceVersion,
      observedAtMs,
    };
  }

  private becomeLeader(action: LeaseAction): void {
    this.leading = new AbortController();
    this.options.logger.log({
      msg: 'became leader',
      identity: this.identity,
      lease: this.options.leaseName,
      how: action.kind,
    });
    this.noteLeader(this.identity);
    try {
      this.options.onStartedLeading(this.leading.signal);
    } catch (error) {
      this.options.logger.error({ msg: 'onStartedLeading threw', error: message(error) });
    }
  }

  private async stepDown(reason: string): Promise<void> {
    if (this.deadlineTimer !== undefined) this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    leading.abort();
    this.options.logger.log({ msg: 'stopped leading', identity: this.identity, reason });
    try {
      await this.options.onStoppedLeading();
    } catch (error) {
      this.options.logger.error({ msg: 'onStoppedLeading threw', error: message(error) });
    }
  }

  /**
   * Steps down once the renew deadline passes without a successful renewal, even while a
   * request hangs: a timer, not the renew loop, enforces it.
   */
  private armDeadline(): void {
    if (this.deadlineTimer !== undefined) this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = this.clock.setTimeout(
      () => {
        this.deadlineTimer = undefined;
        if (renewDeadlinePassed(this.lastRenewedAtMs, this.clock.now(), this.durations)) {
          void this.stepDown('could not renew the lease before the renew deadline');
        } else {
          this.armDeadline();
        }
      },
      this.lastRenewedAtMs + this.durations.renewDeadlineMs - this.clock.now(),
    );
  }

  /** Clears the holder so a standby acquires at its next look rather than after expiry. */
  private async release(): Promise<void> {
    try {
      const lease = await this.readLease();
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const time = new V1MicroTime(this.clock.now());
      await this.withTimeout(
        this.api.replaceNamespacedLease({
          name: this.options.leaseName,
          namespace: this.options.namespace,
          body: { ...lease, spec: { ...lease.spec, holderIdentity: '', renewTime: time, leaseDurationSeconds: 1 } },
        }),
      );
      this.options.logger.log({ msg: 'released leader lease', identity: this.identity, lease: this.options.leaseName });
    } catch (error) {
      // Not fatal: the standby takes over when the lease expires instead.
      this.options.logger.warn({ msg: 'could not release the leader lease', error: message(error) });
    }
  }

  private noteLeader(holder: string): void {
    if (holder === this.lastSeenLeader) return;
    this.lastSeenLeader = holder;
    if (holder !== this.identity) this.options.onNewLeader?.(holder);
  }

  /**
   * Bounds each API call to half the renew deadline, so a hung request cannot stall the loop
   * and a leader gets at least two tries before its deadline.
   */
  private withTimeout<T>(request: Promise<T>): Promise<T> {
    const ms = this.durations.renewDeadlineMs / 2;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(new Error(`Lease request timed out after ${ms} ms`)), ms);
    });
    return Promise.race([request, timeout]).finally(() => this.clock.clearTimeout(timer));
  }
}
