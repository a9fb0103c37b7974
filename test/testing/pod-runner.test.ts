// The pod runner plays the kubelet for kwok pods: a Deployment rendered exactly as the
// operator renders a Specialist's gets, for each Running pod, the real worker (and an engine
// simulator) with that pod's configuration; the worker answers calls queued as the router
// queues them, as that pod; scaling adds workers, and scaling to zero drains them through
// their preStop hook, as the kubelet would, then stops them.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Specialist } from '@slm-fleet/api';
import {
  CALL_JOB_NAME,
  CALL_PROTOCOL_VERSION,
  callJobOptions,
  replyListKey,
  specialistQueueName,
  type CallJobData,
  type CallReply,
  type CallResult,
} from '@slm-fleet/queue';
import { addGpuNodes, eventually, startPodRunner, useSuiteEnv, type PodRunner } from '@slm-fleet/testing';
import { desiredObjects } from '@slm-fleet/workloads';

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { name: string; env?: { name: string; value?: string }[] }[] };
  status: { phase: string };
}

const NAME = 'summarizer';
const MODEL = 'summarizer-model';

describe('pod runner', () => {
  const env = useSuiteEnv('pod-runner');
  const tag = Math.random().toString(36).slice(2, 7);
  const product = `T-${tag}-GPU`;
  let removeNodes: (() => Promise<void>) | undefined;
  let runner: PodRunner | undefined;
  let queue: Queue<CallJobData, CallResult> | undefined;
  let replies: Redis;
  let prefix: string;
  let replyTo: string;

  const podRunner = (): PodRunner => {
    if (!runner) throw new Error('the pod runner did not start');
    return runner;
  };
  const callQueue = (): Queue<CallJobData, CallResult> => {
    if (!queue) throw new Error('the queue was not created');
    return queue;
  };

  /** The Deployment the operator renders for this Specialist (without the owner reference). */
  const deployment = (replicas: number): string => {
    const specialist: Specialist = {
      apiVersion: 'slm.dev/v1alpha1',
      kind: 'Specialist',
      metadata: { name: NAME, namespace: env().namespace, uid: randomUUID() },
      spec: {
        model: { uri: 'hf://sim/summarizer', servedName: MODEL },
        engine: { kind: 'vllm', maxConcurrency: 2, callTimeoutSeconds: 20 },
        resources: { gpu: { count: 1, profiles: ['suite-gpu'] } },
        tasks: ['summarize'],
        replicas,
        scaling: {
          mode: 'external',
          minReplicas: 0,
          maxReplicas: 4,
          targetQueuePerReplica: 4,
          scaleDownDelaySeconds: 300,
        },
      },
    };
    const objects = desiredObjects(specialist, {
      worker: {
        image: 'registry.invalid/slm-fleet:test',
        redisSecret: { name: 'slm-fleet-redis', key: 'url' },
      },
      gpuProfiles: [
        {
          name: 'suite-gpu',
          resourceName: 'nvidia.com/gpu',
          nodeSelector: { 'nvidia.com/gpu.product': product },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
      ],
      defaultGpuProfiles: ['suite-gpu'],
    });
    if (!objects) throw new Error('desiredObjects rendered no workload');
    // No Specialist object exists here: an owner reference to one would get the Deployment
    // garbage-collected.
    return JSON.stringify({
      ...objects.deployment,
      metadata: { ...objects.deployment.metadata, ownerReferences: undefined },
    });
  };

  /** The pods the runner should serve: Running and not terminating. */
  const runningPods = async (): Promise<Pod[]> => {
    const list = JSON.parse(await env().kubectl('get', 'pods', '-l', `slm.dev/specialist=${NAME}`, '-o', 'json')) as {
      items: Pod[];
    };
    return list.items.filter((pod) => pod.status.phase === 'Running' && !pod.metadata.deletionTimestamp);
  };

  /** Queues a call as the router does: job name `call`, job id = call id, replies to `replyTo`. */
  const enqueue = async (maxTokens = 8): Promise<string> => {
    const callId = randomUUID();
    const now = Date.now();
    const data: CallJobData = {
      v: CALL_PROTOCOL_VERSION,
      callId,
      task: `${env().namespace}/summarize`,
      specialist: `${env().namespace}/${NAME}`,
      messages: [{ role: 'user', content: 'Summarize: the pod runner runs workers for kwok pods.' }],
      params: { max_tokens: maxTokens },
      deadline: now + 90_000,
      enqueuedAt: now,
      stream: false,
      replyTo,
      retries: 0,
    };
    await callQueue().add(CALL_JOB_NAME, data, callJobOptions(callId));
    return callId;
  };

  /** Reads `count` replies off the reply list (BLPOP), keyed by call id. */
  const readReplies = async (count: number): Promise<Map<string, CallReply>> => {
    const byCall = new Map<string, CallReply>();
    while (byCall.size < count) {
      const popped = await replies.blpop(replyTo, 60);
      if (!popped) throw new Error(`no reply within 60 s; ${byCall.size} of ${count} came\n${podRunner().logs()}`);
      const reply = JSON.parse(popped[1]) as CallReply;
      byCall.set(reply.callId, reply);
    }
    return byCall;
  };
  const resultOf = (reply: CallReply | undefined): CallResult => {
    if (reply?.type !== 'done') throw new Error(`expected a done reply, got ${JSON.stringify(reply)}`);
    return reply.result;
  };
  const isAlive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    prefix = env().queuePrefix;
    replyTo = replyListKey(prefix, 'test');
    replies = env().redis();
    queue = new Queue(specialistQueueName(env().namespace, NAME), { connection: env().redis(), prefix });
    removeNodes = await addGpuNodes(env(), [{ name: `t-${tag}-gpu-0`, product, gpus: 8 }]);
    // The Secret the worker's REDIS_URL names (the runner uses the suite's Redis instead).
    await env().kubectl('create', 'secret', 'generic', 'slm-fleet-redis', `--from-literal=url=${env().redisUrl}`);
    // Calls of this Specialist take 50 ms a token: long enough to be seen in flight.
    runner = await startPodRunner(env(), { simulators: { [NAME]: { tpot: 50 } } });
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && runner) console.error(runner.logs());
  });
  afterAll(async () => {
    await runner?.stop();
    await queue?.close();
    await removeNodes?.();
  });

  it('starts a worker beside a simulator for the Running pod, configured from the pod', async () => {
    await env().apply(deployment(1));
    const [pod] = await eventually(async () => {
      const pods = await runningPods();
      expect(pods).toHaveLength(1);
      return pods;
    });
    const workerEnv = pod!.spec.containers.find((c) => c.name === 'worker')?.env ?? [];
    const value = (name: string) => workerEnv.find((e) => e.name === name)?.value;

    const [running, ...more] = await podRunner().waitFor(1, NAME);
    expect(more).toEqual([]);
    expect(running!.pod).toBe(pod!.metadata.name);
    expect(running!.specialist).toBe(NAME);
    expect(running!.specialistRef).toBe(value('SLM_FLEET_SPECIALIST'));
    expect(running!.queue).toBe(value('SLM_FLEET_QUEUE'));
    expect(running!.queue).toBe(specialistQueueName(env().namespace, NAME));
    expect(isAlive(running!.workerPid)).toBe(true);
    // The pod's engine URL is replaced by the simulator's, which serves the pod's model.
    expect(running!.engineUrl).not.toBe(value('SLM_FLEET_ENGINE_URL'));
    const models = (await (await fetch(`${running!.engineUrl}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain(value('SLM_FLEET_MODEL'));
    // The worker's command line carries the pod's configuration.
    expect(podRunner().logs(pod!.metadata.name)).toContain(`"replica":"${pod!.metadata.name}"`);
  });

  it("answers a call queued as the router queues it, as the pod's replica", async () => {
    const [running] = podRunner().running();
    const callId = await enqueue();
    const result = resultOf((await readReplies(1)).get(callId));
    expect(result.replica).toBe(running!.pod);
    expect(result.model).toBe(MODEL);
    expect(result.output.length).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBe(8);
  });

  it('runs a second worker when the Deployment scales to 2, and both take calls', async () => {
    const [first] = podRunner().running();
    await env().kubectl('scale', `deployment/${NAME}`, '--replicas=2');
    const pods = await eventually(async () => {
      const list = await runningPods();
      expect(list).toHaveLength(2);
      return list.map((p) => p.metadata.name).sort();
    });
    const running = await podRunner().waitFor(2, NAME);
    expect(running.map((r) => r.pod).sort()).toEqual(pods);
    expect(running.map((r) => r.pod)).toContain(first!.pod);
    expect(new Set(running.map((r) => r.workerPid)).size).toBe(2);

    // Each worker holds 2 calls at once (maxConcurrency) for 400 ms each: 8 calls need both.
    const calls = await Promise.all(Array.from({ length: 8 }, () => enqueue(8)));
    const answers = await readReplies(calls.length);
    const replicas = new Set(calls.map((call) => resultOf(answers.get(call)).replica));
    expect([...replicas].sort()).toEqual(pods);
  });

  it('drains every worker through its preStop, then stops it (exit 0), when the Deployment scales to 0', async () => {
    const before = podRunner().running();
    // A call of 100 tokens at 50 ms each is in flight when the pods start terminating.
    const callId = await enqueue(100);
    await eventually(async () => expect(await callQueue().getJobState(callId)).toBe('active'));
    await env().kubectl('scale', `deployment/${NAME}`, '--replicas=0');

    // Both workers drain (their preStop GET /drain), for the pod's call timeout, while the call
    // is still running: it is not cut.
    await eventually(async () => {
      for (const { pod } of before) {
        expect(podRunner().logs(pod)).toMatch(/draining: no new calls","drainTimeoutMs":20000/);
      }
    });
    expect(await callQueue().getJobState(callId)).toBe('active');
    const result = resultOf((await readReplies(1)).get(callId));
    expect(before.map((r) => r.pod)).toContain(result.replica);
    expect(result.usage.completionTokens).toBe(100);

    expect(await podRunner().waitFor(0, NAME)).toEqual([]);
    const stopped = podRunner().stopped();
    for (const { pod, workerPid } of before) {
      const record = stopped.find((s) => s.pod === pod);
      expect(record).toMatchObject({
        pod,
        specialist: NAME,
        workerPid,
        reason: 'pod-terminating',
        worker: { code: 0, signal: null },
        simulator: { code: 0, signal: null },
      });
      // The preStop answered once the drain was over: every call finished, none handed back.
      expect(record?.preStop).toEqual({ status: 200, body: JSON.stringify({ drained: true, handedBack: 0 }) });
      // SIGTERM came once the preStop's drain was over, as the kubelet sends it.
      const all = podRunner().logs(pod);
      const workerLog = all.slice(all.indexOf(`--- worker ${pod} `));
      expect(workerLog.indexOf('"msg":"drained"')).toBeGreaterThan(-1);
      expect(workerLog.indexOf('"msg":"shutting down"')).toBeGreaterThan(workerLog.indexOf('"msg":"drained"'));
      expect(isAlive(workerPid)).toBe(false);
    }
    expect(podRunner().failures()).toEqual([]);
  });
});
