import type { V1Pod } from '@kubernetes/client-node';
import {
  servedModelName,
  setConditions,
  type ConditionUpdate,
  type Specialist,
  type SpecialistStatus,
} from '@slm-fleet/api';
import { toolCallingOf, type PodEngineKind } from '@slm-fleet/engines';
import type { EndpointHealth } from './endpoint-health.js';
import { diagnosePods, type Diagnosis } from './pod-diagnosis.js';
import { desiredReplicas } from './replicas.js';

/** The fields of a Deployment's metadata and status the Specialist status is read from. */
export interface ObservedDeployment {
  generation?: number;
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
}

/** What the autoscaler saw of a Specialist in managed mode, shown in its status. */
export interface ScalingObservation {
  /** The queue at the last reading; a count Redis could not give is absent. */
  queue?: { waiting?: number; active?: number };
  /** When the autoscaler last changed the replica count (RFC 3339). */
  lastScaleTime?: string;
  /** Why it gets fewer replicas than it needs, while free GPUs went to others or none are free. */
  gpuShortfall?: string;
}

export interface StatusInput {
  specialist: Specialist;
  /** Absent while not created yet. */
  deployment?: ObservedDeployment;
  pods: readonly V1Pod[];
  gpuResourceName: string;
  /** Label selector of the pods, published for the scale subresource. */
  selector: string;
  now: string;
  /** The autoscaler's last observation, when it sizes this Specialist. */
  scaling?: ScalingObservation;
  /** engine.kind openai: what the probe of the endpoint says (absent: not probed yet). */
  endpoint?: EndpointHealth;
}

/**
 * The Specialist status that tells the truth: Ready when every desired replica serves,
 * Progressing while the Deployment rolls out or scales, Degraded with the worst reason
 * its pods show (InsufficientGPU, Unschedulable, EngineCrashLoop, ImagePullFailed). On
 * engine.kind openai the endpoint comes first: Ready=True EndpointReady needs the probe's
 * approval and every worker ready; an endpoint that fails the probe is Ready=False and
 * Degraded=True with the probe's reason (EndpointUnreachable, Unauthorized, ModelNotFound).
 */
export function specialistStatus(input: StatusInput): SpecialistStatus {
  const { specialist, deployment, pods, now } = input;
  const generation = specialist.metadata.generation;
  const previous = specialist.status?.conditions ?? [];
  const at = (update: Omit<ConditionUpdate, 'observedGeneration'>): ConditionUpdate => ({
    ...update,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  });

  const desired = desiredReplicas(specialist.spec);
  const replicas = deployment?.replicas ?? 0;
  const ready = deployment?.readyReplicas ?? 0;
  const shortfall = input.scaling?.gpuShortfall;
  const diagnosis =
    diagnosePods(pods, input.gpuResourceName) ??
    (shortfall ? { reason: 'InsufficientGPU' as const, message: shortfall } : undefined);
  const rolledOut =
    deployment !== undefined &&
    (deployment.observedGeneration ?? 0) >= (deployment.generation ?? 0) &&
    (deployment.updatedReplicas ?? 0) >= desired;

  const progressing = ((): ConditionUpdate => {
    if (!deployment)
      return at({ type: 'Progressing', status: 'True', reason: 'Creating', message: 'creating the Deployment' });
    if (!rolledOut)
      return at({
        type: 'Progressing',
        status: 'True',
        reason: 'RollingOut',
        message: `${deployment.updatedReplicas ?? 0}/${desired} replicas updated`,
      });
    if (replicas > desired)
      return at({
        type: 'Progressing',
        status: 'True',
        reason: 'ScalingDown',
        message: `${replicas} replicas, want ${desired}`,
      });
    if (ready < desired)
      return at({
        type: 'Progressing',
        status: 'True',
        reason: 'WaitingForReplicas',
        message: `${ready}/${desired} replicas ready`,
      });
    return at({ type: 'Progressing', status: 'False', reason: 'Stable', message: `${desired} replicas rolled out` });
  })();

  const openai = specialist.spec.engine.kind === 'openai';
  const readyCondition = ((): ConditionUpdate => {
    // The endpoint first: workers without a usable endpoint serve nothing.
    if (openai && !input.endpoint?.ready) return at(endpointNotReady(input.endpoint, specialist));
    if (desired === 0 && ready === 0)
      return at({ type: 'Ready', status: 'True', reason: 'ScaledToZero', message: 'no replicas wanted' });
    if (ready >= desired && openai)
      return at({
        type: 'Ready',
        status: 'True',
        reason: 'EndpointReady',
        message: `${input.endpoint?.message ?? ''}; ${ready}/${desired} workers ready`,
      });
    if (ready >= desired)
      return at({
        type: 'Ready',
        status: 'True',
        reason: 'AllReplicasReady',
        message: `${ready}/${desired} replicas ready`,
      });
    const why = diagnosis ? `: ${diagnosis.message}` : '';
    return at({
      type: 'Ready',
      status: 'False',
      reason: diagnosis?.reason ?? 'ReplicasNotReady',
      message: `${ready}/${desired} replicas ready${why}`,
    });
  })();

  const degraded = at(degradedCondition(openai ? input.endpoint : undefined, diagnosis));
  // An external endpoint decides tool calling itself: no ToolCalling condition.
  const conditions = openai
    ? [readyCondition, progressing, degraded]
    : [readyCondition, progressing, degraded, at(toolCalling(specialist))];
  return { ...base(input, replicas, ready, desired), conditions: setConditions(previous, conditions, now) };
}

/** Ready=False of an openai Specialist whose endpoint is not usable, or not probed yet. */
function endpointNotReady(
  endpoint: EndpointHealth | undefined,
  specialist: Specialist,
): Omit<ConditionUpdate, 'observedGeneration'> {
  if (!endpoint) {
    return {
      type: 'Ready',
      status: 'Unknown',
      reason: 'Probing',
      message: `probing the endpoint for ${servedModelName(specialist)}`,
    };
  }
  return { type: 'Ready', status: 'False', reason: endpoint.reason, message: endpoint.message };
}

/** Degraded: an endpoint that is not usable, else the worst the pods show. */
function degradedCondition(
  endpoint: EndpointHealth | undefined,
  diagnosis: Diagnosis | undefined,
): Omit<ConditionUpdate, 'observedGeneration'> {
  if (endpoint && !endpoint.ready) {
    return { type: 'Degraded', status: 'True', reason: endpoint.reason, message: endpoint.message };
  }
  if (diagnosis) return { type: 'Degraded', status: 'True', ...diagnosis };
  return { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' };
}

/**
 * Whether the engine starts with tool calling on, and why: a model family without a known
 * parser answers tool calls in plain text, which an agent would take for an answer.
 */
function toolCalling(specialist: Specialist): Omit<ConditionUpdate, 'observedGeneration'> {
  const { engine, model } = specialist.spec;
  const calling = toolCallingOf({
    kind: engine.kind as PodEngineKind,
    model: { uri: model.uri, servedName: servedModelName(specialist) },
    adapters: [],
    maxConcurrency: engine.maxConcurrency,
    gpuCount: 0,
    ...(engine.toolCallParser === undefined ? {} : { toolCallParser: engine.toolCallParser }),
  });
  const reason = calling.enabled
    ? calling.source === 'field'
      ? 'ParserSet'
      : 'Enabled'
    : calling.source === 'none'
      ? 'NoKnownParser'
      : 'TurnedOff';
  return { type: 'ToolCalling', status: calling.enabled ? 'True' : 'False', reason, message: calling.reason };
}

function base(input: StatusInput, replicas: number, readyReplicas: number, desired: number): SpecialistStatus {
  const generation = input.specialist.metadata.generation;
  const queue = input.scaling?.queue;
  const lastScaleTime = input.scaling?.lastScaleTime ?? input.specialist.status?.lastScaleTime;
  return {
    ...(generation === undefined ? {} : { observedGeneration: generation }),
    replicas,
    readyReplicas,
    desiredReplicas: desired,
    selector: input.selector,
    ...(queue ? { queue } : {}),
    ...(lastScaleTime ? { lastScaleTime } : {}),
  };
}
