// The discrete-time simulator: one Specialist, a FIFO queue, replicas pulling from it, and one
// policy writing the replica count. Deterministic: the same trace, calls and policy give the
// same result. Each tick, in order: completions free slots; started pods become Ready, drained
// ones go; arrivals join the queue; the policy decides (on its interval); Ready pods with a free
// slot take calls from the head of the queue; every pod that exists (starting, Ready or
// draining) is charged a GPU for the tick. A call starts on the tick after a slot frees, so
// latencies are exact to one tick (0.1 s). With an overflow tier, each arriving call is first
// offered to it: a call it takes never queues (see overflow.ts).
import type { SimConfig } from './config.js';
import type { Controller, Observation } from './controller.js';
import { CompletionHeap } from './heap.js';
import { serviceStatsOf, type OverflowTier, type ServiceStats } from './overflow.js';
import type { Calls, Trace } from './traces.js';

interface Pod {
  readyAt: number;
  active: number;
  draining: boolean;
}

export interface ScaleAction {
  at: number;
  from: number;
  to: number;
}

export interface StepResponse {
  /** Decisions after the step up to the first that reached the step's replicas (1: the first one did). */
  intervals: number | undefined;
  seconds: number | undefined;
  /** Highest replica count asked for in the 15 minutes after the step. */
  peakReplicas: number;
}

export interface RunResult {
  policy: string;
  trace: string;
  calls: number;
  callsAfterWarmup: number;
  /** Latency (arrival to answer) of each call in seconds; NaN for calls not started by the end. */
  latencies: Float64Array;
  /** 1 for each call the overflow tier answered (all 0 without one). */
  overflowed: Uint8Array;
  gpuSeconds: number;
  gpuSecondsAfterWarmup: number;
  actions: ScaleAction[];
  step: StepResponse | undefined;
  /** Each minute: replicas asked for, pods existing, Ready, calls waiting. */
  timeline: { minute: number; replicas: number; pods: number; ready: number; waiting: number }[];
}

const SERVICE_WINDOW = 100;
const LATENCY_WINDOW_SECONDS = 60;

export function simulate(
  trace: Trace,
  calls: Calls,
  controller: Controller,
  config: SimConfig,
  overflow?: OverflowTier,
): RunResult {
  const { arrivals, services } = calls;
  const k = config.spec.maxConcurrency;
  const ticksPerSecond = Math.round(1 / config.tickSeconds);
  const dt = 1 / ticksPerSecond;
  const intervalTicks = Math.round(controller.intervalSeconds * ticksPerSecond);
  const endTick = Math.round(trace.durationSeconds * ticksPerSecond);

  const latencies = new Float64Array(arrivals.length).fill(NaN);
  const overflowed = new Uint8Array(arrivals.length);
  // The specialist's FIFO queue of call indices: [queueHead, queueTail) wait. Without overflow
  // it holds every call in arrival order, as before.
  const queue = new Int32Array(arrivals.length);
  let queueHead = 0;
  let queueTail = 0;
  const completions = new CompletionHeap<{ pod: Pod; call: number }>();
  let pods: Pod[] = Array.from({ length: controller.initialReplicas }, () => ({
    readyAt: 0,
    active: 0,
    draining: false,
  }));
  let replicas = controller.initialReplicas;
  let arrived = 0;
  let active = 0;
  let arrivedAtLastDecision = 0;
  let gpuSeconds = 0;
  let gpuSecondsAfterWarmup = 0;
  const actions: ScaleAction[] = [];
  const timeline: RunResult['timeline'] = [];
  // The router's view of completed calls: recent service times and latencies.
  const recentServices: number[] = [];
  let completed = 0;
  // Their mean and tail as the router reads them, recomputed only after a completion.
  let serviceStats: ServiceStats = { completed: -1, mean: undefined, tail: undefined };
  const recentLatencies: { at: number; latency: number }[] = [];
  let latencyHead = 0;
  const stepAt = trace.stepAt;
  const stepTarget = trace.stepReplicas ?? Infinity;
  let stepIntervals = 0;
  let step: StepResponse | undefined =
    stepAt === undefined ? undefined : { intervals: undefined, seconds: undefined, peakReplicas: 0 };

  /** Writes a replica count: new pods start, surplus ones go, unready first, then the least busy drain. */
  const scaleTo = (t: number, wanted: number): void => {
    if (wanted === replicas) return;
    actions.push({ at: t, from: replicas, to: wanted });
    replicas = wanted;
    const live = pods.filter((p) => !p.draining);
    for (let i = live.length; i < wanted; i++)
      pods.push({ readyAt: t + config.startupSeconds, active: 0, draining: false });
    if (live.length > wanted) {
      const unready = live.filter((p) => p.readyAt > t).sort((a, b) => b.readyAt - a.readyAt);
      const ready = live.filter((p) => p.readyAt <= t).sort((a, b) => a.active - b.active);
      for (const pod of [...unready, ...ready].slice(0, live.length - wanted)) pod.draining = true;
      pods = pods.filter((p) => !(p.draining && p.active === 0));
    }
  };

  const observe = (t: number): Observation => {
    const waiting = queueTail - queueHead;
    while (latencyHead < recentLatencies.length && recentLatencies[latencyHead]!.at <= t - LATENCY_WINDOW_SECONDS) {
      latencyHead++;
    }
    if (latencyHead > 10_000) {
      recentLatencies.splice(0, latencyHead);
      latencyHead = 0;
    }
    const lastMinute = recentLatencies.slice(latencyHead);
    const observation: Observation = {
      now: t,
      waiting,
      active,
      // Every call offered, overflowed ones too: they are the specialist's demand (overflow.ts).
      arrivedInInterval: arrived - arrivedAtLastDecision,
      serviceTimeSeconds: recentServices.length
        ? recentServices.reduce((a, b) => a + b, 0) / recentServices.length
        : undefined,
      oldestWaitingSeconds: waiting > 0 ? t - arrivals[queue[queueHead]!]! : 0,
      readyReplicas: pods.filter((p) => !p.draining && p.readyAt <= t).length,
      currentReplicas: replicas,
      // Sorting a minute of latencies is the costly part: only for a policy that reads it.
      get latencyP99Seconds() {
        if (!lastMinute.length) return undefined;
        const sorted = lastMinute.map((r) => r.latency).sort((a, b) => a - b);
        return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))];
      },
    };
    arrivedAtLastDecision = arrived;
    return observation;
  };

  for (let tick = 0; tick < endTick; tick++) {
    const t = tick / ticksPerSecond;
    while (completions.peekTime() <= t) {
      const { pod, call } = completions.pop()!;
      pod.active--;
      active--;
      completed++;
      recentServices.push(services[call]!);
      if (recentServices.length > SERVICE_WINDOW) recentServices.shift();
      recentLatencies.push({ at: t, latency: latencies[call]! });
    }
    if (pods.some((p) => p.draining && p.active === 0)) pods = pods.filter((p) => !(p.draining && p.active === 0));
    let overflowedNow = false;
    if (overflow && arrived < arrivals.length && arrivals[arrived]! <= t) {
      // The router's view when these calls arrive: Ready pods, their calls, the queue, the mean service.
      let ready = 0;
      let inFlight = 0;
      for (const pod of pods) {
        if (pod.draining || pod.readyAt > t) continue;
        ready++;
        inFlight += pod.active;
      }
      if (serviceStats.completed !== completed)
        serviceStats = serviceStatsOf(recentServices, completed, overflow.serviceTailQuantile);
      while (arrived < arrivals.length && arrivals[arrived]! <= t) {
        const call = arrived++;
        const at = {
          waiting: queueTail - queueHead,
          readyReplicas: ready,
          inFlight,
          meanServiceSeconds: serviceStats.mean,
          serviceTailSeconds: serviceStats.tail,
        };
        if (overflow.takes(at)) {
          overflowed[call] = 1;
          overflowedNow = true;
          latencies[call] = t - arrivals[call]! + overflow.latencySeconds(services[call]!);
        } else queue[queueTail++] = call;
      }
    }
    while (arrived < arrivals.length && arrivals[arrived]! <= t) queue[queueTail++] = arrived++;

    // A call overflowed at zero replicas wakes the Specialist too: it never queues, so the queue would not.
    if (controller.scalesFromZeroOnArrival && replicas === 0 && (queueTail > queueHead || overflowedNow)) scaleTo(t, 1);
    if (tick % intervalTicks === 0) {
      const wanted = controller.decide(observe(t));
      scaleTo(t, wanted);
      if (step && stepAt !== undefined && t > stepAt) {
        if (step.intervals === undefined) {
          stepIntervals++;
          if (wanted >= stepTarget) step = { ...step, intervals: stepIntervals, seconds: t - stepAt };
        }
        if (t < stepAt + 15 * 60) step.peakReplicas = Math.max(step.peakReplicas, wanted);
      }
    }

    // Dispatch FIFO to the Ready pod with the most free slots (pull spreads calls much like this).
    while (queueHead < queueTail) {
      let best: Pod | undefined;
      for (const pod of pods) {
        if (pod.draining || pod.readyAt > t || pod.active >= k) continue;
        if (!best || pod.active < best.active) best = pod;
      }
      if (!best) break;
      const call = queue[queueHead++]!;
      best.active++;
      active++;
      const finish = t + services[call]!;
      latencies[call] = finish - arrivals[call]!;
      completions.push(finish, { pod: best, call });
    }

    gpuSeconds += pods.length * dt;
    if (t >= config.warmupSeconds) gpuSecondsAfterWarmup += pods.length * dt;
    if (tick % (60 * ticksPerSecond) === 0) {
      timeline.push({
        minute: t / 60,
        replicas,
        pods: pods.length,
        ready: pods.filter((p) => !p.draining && p.readyAt <= t).length,
        waiting: queueTail - queueHead,
      });
    }
  }

  let callsAfterWarmup = 0;
  for (const a of arrivals) if (a >= config.warmupSeconds) callsAfterWarmup++;
  return {
    policy: controller.name,
    trace: trace.name,
    calls: arrivals.length,
    callsAfterWarmup,
    latencies,
    overflowed,
    gpuSeconds,
    gpuSecondsAfterWarmup,
    actions,
    step,
    timeline,
  };
}
