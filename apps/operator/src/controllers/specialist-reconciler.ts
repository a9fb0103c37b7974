import { randomBytes } from 'node:crypto';
import type { KubernetesObject, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { LoggerService } from '@nestjs/common';
import { API_VERSION, REPLICAS_LIMITED, findCondition, withScaleBounds, type Specialist } from '@slm-fleet/api';
import { ApplyTracker, type ApiObject, type Informer, type ServerSideApplier } from '@slm-fleet/k8s';
import {
  SPECIALIST_LABEL,
  desiredObjects,
  drainTokenOf,
  selectorString,
  specialistStatus,
  type DesiredObjects,
  type EndpointHealth,
  type ScalingObservation,
  type WorkloadSettings,
} from '@slm-fleet/workloads';
import type { EventRecorder } from '../events.js';
import { sameAsStored } from './same-as-stored.js';

// Listed objects carry no apiVersion/kind, so deletes name them.
const NETWORK_POLICY = ['networking.k8s.io/v1', 'NetworkPolicy'] as const;

export interface SpecialistReconcilerDeps {
  specialists: Informer<Specialist>;
  deployments: Informer<V1Deployment>;
  pods: Informer<V1Pod>;
  services: Informer<KubernetesObject>;
  podDisruptionBudgets: Informer<KubernetesObject>;
  networkPolicies: Informer<KubernetesObject>;
  applier: ServerSideApplier;
  /** Deletes a child (background propagation); resolves when the API server accepted it. */
  deleteObject: (object: ApiObject) => Promise<void>;
  events: EventRecorder;
  settings: WorkloadSettings;
  /** The autoscaler's last observation of a Specialist (namespace/name), shown in its status. */
  scalingOf?: (key: string) => ScalingObservation | undefined;
  /** engine.kind openai: what the probe of its endpoint says (absent: not probed, Ready Unknown). */
  endpointHealth?: (specialist: Specialist) => Promise<EndpointHealth>;
  logger: LoggerService;
  now?: () => string;
  /** Makes a new drain token (default: 32 random bytes, base64url). */
  newDrainToken?: () => string;
}

/** A new bearer token for a Specialist's GET /drain: 32 random bytes, base64url (43 characters). */
export function newDrainToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Level-triggered: whatever happened, make the Specialist's children match the desired
 * objects (server-side apply puts back hand edits and recreates deleted children), then write
 * the status the children show. Idempotent, so a crash mid-reconcile is healed by the next run.
 */
export class SpecialistReconciler {
  private readonly applied = new ApplyTracker();
  /** The drain token last rendered per Specialist (namespace/name): see drainTokenFor. */
  private readonly drainTokens = new Map<string, string>();

  constructor(private readonly deps: SpecialistReconcilerDeps) {}

  /** The next reconcile of this Specialist applies every child again (periodic resync). */
  forgetApplied(key: string): void {
    const [namespace = '', name = ''] = key.split('/');
    this.applied.forgetOwner(namespace, name);
  }

  async reconcile(key: string): Promise<void> {
    const specialist = this.deps.specialists.get(key);
    if (!specialist || specialist.metadata.deletionTimestamp) {
      this.forgetApplied(key);
      this.drainTokens.delete(key);
      return; // children go with it (owner references)
    }
    let desired: DesiredObjects;
    try {
      desired = desiredObjects(specialist, this.deps.settings, { drainToken: this.drainTokenFor(key) });
    } catch (error) {
      await this.reportInvalid(specialist, (error as Error).message);
      return; // a retry cannot fix the spec; its next change is a new event
    }
    let deployment: V1Deployment;
    try {
      deployment = await this.applyChildren(specialist, desired);
    } catch (error) {
      // Say so in status and events, then let the work queue retry with backoff.
      await this.reportFailure(
        specialist,
        'ApplyFailed',
        `applying the Specialist's children failed: ${apiErrorMessage(error)}`,
      );
      throw error;
    }
    const pods = this.deps.pods
      .list()
      .filter(
        (p) =>
          p.metadata?.namespace === specialist.metadata.namespace &&
          p.metadata?.labels?.[SPECIALIST_LABEL] === specialist.metadata.name,
      );
    const scaling = this.deps.scalingOf?.(key);
    const endpoint =
      specialist.spec.engine.kind === 'openai' ? await this.deps.endpointHealth?.(specialist) : undefined;
    const status = specialistStatus({
      specialist,
      ...(scaling ? { scaling } : {}),
      ...(endpoint ? { endpoint } : {}),
      deployment: { generation: deployment.metadata?.generation, ...deployment.status },
      pods,
      gpuResourceName: desired.gpuResourceName,
      selector: selectorString(specialist),
      now: this.now(),
    });
    // kubectl scale past scaling.maxReplicas: say what runs instead (ReplicasLimited).
    const { generation } = specialist.metadata;
    const conditions = withScaleBounds(status.conditions ?? [], specialist.spec, generation, this.now());
    await this.writeStatus(specialist, { ...status, conditions });
  }

  private async applyChildren(specialist: Specialist, desired: DesiredObjects): Promise<V1Deployment> {
    const key = `${specialist.metadata.namespace}/${specialist.metadata.name}`;
    const live = this.deps.deployments.get(key);
    const deployment = await this.applyIfNeeded(desired.deployment, live);
    await this.applyIfNeeded(desired.service, this.deps.services.get(key));
    await this.applyIfNeeded(desired.podDisruptionBudget, this.deps.podDisruptionBudgets.get(key));
    const livePolicy = this.deps.networkPolicies.get(key);
    if (desired.networkPolicy) await this.applyIfNeeded(desired.networkPolicy, livePolicy);
    else if (livePolicy) await this.deleteChild(specialist, NETWORK_POLICY);
    if (!live) {
      await this.deps.events.record(
        specialist,
        'Normal',
        'Created',
        `created Deployment, Service, PodDisruptionBudget${desired.networkPolicy ? ', NetworkPolicy' : ''} ${specialist.metadata.name}`,
      );
    }
    return deployment;
  }

  private deleteChild(specialist: Specialist, [apiVersion, kind]: readonly [string, string]): Promise<void> {
    const { name, namespace } = specialist.metadata;
    return this.deps.deleteObject({ apiVersion, kind, metadata: { name, namespace } });
  }

  /**
   * The token the Specialist's GET /drain requires (its worker's env and both preStop hooks).
   * The one its Deployment carries, read back so that reconciles render the same template and
   * never roll the pods; else the one this process rendered last (the informer may not show a
   * Deployment just created yet); else, for a new Deployment, a new random one. A token set by
   * hand in the worker's env wins, so that is how to rotate it (one rollout).
   */
  private drainTokenFor(key: string): string {
    const token =
      drainTokenOf(this.deps.deployments.get(key)) ??
      this.drainTokens.get(key) ??
      (this.deps.newDrainToken ?? newDrainToken)();
    this.drainTokens.set(key, token);
    return token;
  }

  /** Server-side apply, unless this process applied the same object and nobody changed it since. */
  private async applyIfNeeded<T extends ApiObject>(desired: T, live: T | undefined): Promise<T> {
    if (live && !this.applied.needsApply(desired, live)) return live;
    const result = await this.deps.applier.apply(desired);
    this.applied.recordApplied(desired, result);
    return result;
  }

  private async writeStatus(specialist: Specialist, status: Specialist['status']): Promise<void> {
    if (sameAsStored(specialist.status, status)) return;
    await this.deps.applier.applyStatus(
      { apiVersion: API_VERSION, kind: 'Specialist', metadata: specialist.metadata, status },
      'specialists',
    );
    const before = findCondition(specialist.status?.conditions, 'Degraded');
    const after = findCondition(status?.conditions, 'Degraded');
    if (after?.status === 'True' && (before?.status !== 'True' || before.reason !== after.reason)) {
      await this.deps.events.record(specialist, 'Warning', after.reason, after.message);
    }
    const limited = findCondition(status?.conditions, REPLICAS_LIMITED);
    if (limited && findCondition(specialist.status?.conditions, REPLICAS_LIMITED)?.message !== limited.message) {
      await this.deps.events.record(specialist, 'Warning', limited.reason, limited.message);
    }
    const ready = findCondition(status?.conditions, 'Ready');
    if (ready?.status === 'True' && findCondition(specialist.status?.conditions, 'Ready')?.status !== 'True') {
      await this.deps.events.record(specialist, 'Normal', 'Ready', ready.message);
    }
  }

  private reportInvalid(specialist: Specialist, message: string): Promise<void> {
    return this.reportFailure(specialist, 'InvalidSpec', message);
  }

  /** Ready=False and Degraded=True with the reason; once per distinct message, not per retry. */
  private async reportFailure(specialist: Specialist, reason: string, message: string): Promise<void> {
    if (findCondition(specialist.status?.conditions, 'Ready')?.message === message) return;
    const failed = { type: 'Ready', status: 'False' as const, reason, message, lastTransitionTime: this.now() };
    const status = {
      ...specialist.status,
      conditions: [failed, { ...failed, type: 'Degraded', status: 'True' as const }],
    };
    this.deps.logger.warn?.({
      msg: 'Specialist not reconciled',
      specialist: specialist.metadata.name,
      reason,
      message,
    });
    try {
      await this.deps.applier.applyStatus(
        { apiVersion: API_VERSION, kind: 'Specialist', metadata: specialist.metadata, status },
        'specialists',
      );
    } catch (error) {
      this.deps.logger.warn?.({
        msg: 'could not write status',
        specialist: specialist.metadata.name,
        error: apiErrorMessage(error),
      });
    }
    await this.deps.events.record(specialist, 'Warning', reason, message);
  }

  private now(): string {
    return this.deps.now?.() ?? new Date().toISOString();
  }
}

/** The API server's own message from a client-node ApiException (its body), else the error text. */
function apiErrorMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message.slice(0, 1000);
    } catch {
      // not JSON: fall through
    }
  }
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000);
}
