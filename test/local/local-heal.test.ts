// Local mode heals itself, as the operator's Deployments do: faults injected into its running
// processes from outside (a worker SIGKILLed, a worker drained through GET /drain, local mode
// itself SIGKILLed, a scale-up that lands while replicas start), and what must follow. Every
// wait is for a state (a log line, a process gone), never for a time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlmFleetClient } from '@slm-fleet/client';
import { freePort } from '@slm-fleet/service';
import { eventually } from '@slm-fleet/testing';
import { RouterClient } from '../data-plane/fleet.js';
import {
  childrenOf,
  commandLineOf,
  environmentOf,
  isRunning,
  processesOf,
  redisSays,
  startLocal,
  type LocalProcess,
  type LogMessage,
} from './local-process.js';

const tag = Math.random().toString(36).slice(2, 7);

/** A Specialist of local mode's simulator: `scaling` and extra simulator flags as given. */
const specialistYaml = (name: string, scaling: string, simulator = '') => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata:
  name: ${name}
  annotations: {local.slm.dev/simulator-args: "--ttft 0ms --tpot 10ms --output-tokens 5 ${simulator}"}
spec:
  model: {uri: hf://sim/${name}, servedName: ${name}-model}
  engine: {kind: vllm, maxConcurrency: 1}
  resources: {gpu: {count: 1}}
  tasks: [${name}-task]
  scaling: ${scaling}
---
`;

function resourcesDir(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slm-local-heal-'));
  writeFileSync(join(dir, 'fleet.yaml'), yaml);
  return dir;
}

interface Started {
  replica: string;
  workerPid: number;
  workerPort: number;
  enginePid: number;
}

/** The replicas of a Specialist that started and have not left since (exited or stopped). */
function liveReplicas(local: LocalProcess, specialist: string): Started[] {
  const gone = new Set(
    local.messages
      .filter((m) => m['specialist'] === specialist)
      .filter((m) => m.msg === 'replica exited; replacing it' || m.msg === 'stopping replica')
      .map((m) => m['replica']),
  );
  return (local.logged('replica started', { specialist }) as unknown as Started[]).filter((s) => !gone.has(s.replica));
}

/** Waits until `count` replicas are asked for and ready (none that has left counted); returns them. */
async function untilReady(local: LocalProcess, specialist: string, count: number): Promise<Started[]> {
  return eventually(
    async () => {
      expect(local.counts(specialist)).toMatchObject({ ready: count, asked: count });
      const ready = new Set(local.logged('replica ready', { specialist }).map((m) => m['replica']));
      const live = liveReplicas(local, specialist);
      expect(live.filter((s) => ready.has(s.replica))).toHaveLength(count);
      return live;
    },
    { timeoutMs: 120_000 },
  );
}

const after = (local: LocalProcess, index: number): LogMessage[] => local.messages.slice(index);

// Several Node processes per replica on a 2-core machine: generous bounds, never timed asserts.
describe('slm-fleet local heals its fleet', { timeout: 300_000 }, () => {
  const steady = `steady-${tag}`;
  const burst = `burst-${tag}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'slm-local-state-'));
  const dir = resourcesDir(
    specialistYaml(steady, '{minReplicas: 2, maxReplicas: 2}') +
      // Calls of a second each, and engines that take 20 s to load: the scale-up for a backlog
      // lands while the first replica is still starting.
      specialistYaml(
        burst,
        '{minReplicas: 0, maxReplicas: 4, targetQueuePerReplica: 1, scaleDownDelaySeconds: 600}',
        '--tpot 50ms --output-tokens 20 --slow-start 20s',
      ),
  );
  const steadyKey = `local/${steady}`;
  const burstKey = `local/${burst}`;
  let local: LocalProcess | undefined;
  let client: RouterClient | undefined;
  const running = () => {
    if (!local || !client) throw new Error('local mode did not start');
    return { local, client };
  };
  const call = (task: string, prompt: string) => running().client.invoke({ task, prompt }, { deadlineMs: 120_000 });

  beforeAll(async () => {
    // A drain token exported for a cluster's workers must not reach local mode's: the drain
    // test below calls GET /drain from loopback without one.
    local = startLocal(dir, ['--state-dir', stateDir], { SLM_FLEET_DRAIN_TOKEN: 'exported-for-a-cluster-0123456789' });
    client = new RouterClient(await local.grpcPort);
  });
  afterAll(async () => {
    client?.close();
    if (local && local.child.exitCode === null) {
      local.child.kill('SIGTERM');
      await local.exited;
    }
  });

  it('gives its own Redis a generated password, on no command line: workers get it in REDIS_URL', async () => {
    const { local } = running();
    const [replica] = await untilReady(local, steadyKey, 2);
    const url = new URL(environmentOf(replica!.workerPid, 'REDIS_URL') ?? '');
    const password = decodeURIComponent(url.password);
    expect(password.length).toBeGreaterThanOrEqual(32);
    // Nothing it started (Redis, workers, engines, the watchdog) shows it, nor local mode itself.
    const processes = [local.child.pid!, ...childrenOf(local.child.pid!).map((p) => p.pid)];
    expect(processes.length).toBeGreaterThanOrEqual(6);
    for (const pid of processes) {
      const commandLine = commandLineOf(pid);
      expect(commandLine).not.toContain(password);
      expect(commandLine).not.toContain('--redis-url');
    }
    expect(processesOf(password)).toEqual([]);
    // The log names the Redis without its password, and the password is needed.
    expect(local.startedRedis()).toBe(`redis://127.0.0.1:${url.port}`);
    expect(await redisSays(Number(url.port), 'PING\r\n')).toMatch(/^-NOAUTH/);
    expect(await redisSays(Number(url.port), `AUTH ${password}\r\nPING\r\n`)).toBe('+OK\r\n+PONG\r\n');
  });

  it('replaces a worker killed with SIGKILL, under a new name, and calls keep being answered', async () => {
    const { local } = running();
    const [victim, survivor] = await untilReady(local, steadyKey, 2);
    const mark = local.messages.length;
    process.kill(victim!.workerPid, 'SIGKILL');
    // Calls go on, one after another, until it is replaced: every one is answered.
    let replaced = false;
    const calls = (async () => {
      const outcomes: string[] = [];
      for (let i = 0; !replaced || i < 3; i++) {
        outcomes.push(
          await call(`${steady}-task`, `during ${i}`).then(
            () => 'answered',
            (error: unknown) => String(error),
          ),
        );
      }
      return outcomes;
    })();
    let now: Started[];
    try {
      await eventually(async () =>
        expect(after(local, mark)).toContainEqual(
          expect.objectContaining({ msg: 'replica exited; replacing it', replica: victim!.replica }),
        ),
      );
      now = await untilReady(local, steadyKey, 2);
    } finally {
      replaced = true;
    }
    const outcomes = await calls;
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    expect(outcomes.filter((o) => o !== 'answered')).toEqual([]);
    const names = now.map((s) => s.replica);
    expect(names).toContain(survivor!.replica);
    expect(names).not.toContain(victim!.replica);
    const [newcomer] = names.filter((n) => n !== survivor!.replica);
    expect(newcomer).toMatch(new RegExp(`^${steady}-${local.runId()}-\\d+$`));
    // The new replica takes calls too.
    await eventually(
      async () => {
        const answers = await Promise.all([1, 2, 3, 4].map((i) => call(`${steady}-task`, `after ${i}`)));
        expect(answers.map((a) => a.answeredBy?.replica)).toContain(newcomer);
      },
      { timeoutMs: 120_000 },
    );
  });

  it('replaces a worker drained through GET /drain', async () => {
    const { local } = running();
    const [drained, kept] = await untilReady(local, steadyKey, 2);
    const mark = local.messages.length;
    const response = await fetch(`http://127.0.0.1:${drained!.workerPort}/drain`);
    expect(await response.json()).toMatchObject({ drained: true });
    await eventually(async () =>
      expect(after(local, mark)).toContainEqual(
        expect.objectContaining({
          msg: 'stopping replica',
          replica: drained!.replica,
          reason: 'drained: replacing it',
        }),
      ),
    );
    const now = (await untilReady(local, steadyKey, 2)).map((s) => s.replica);
    expect(now).toContain(kept!.replica);
    expect(now).not.toContain(drained!.replica);
    // Its processes are gone, and calls are answered.
    await eventually(async () => expect(processesOf(`--replica ${drained!.replica} `)).toEqual([]));
    expect((await call(`${steady}-task`, 'after the drain')).output).toBeTruthy();
  });

  it('serves a scale-up asked while its replicas start: every replica asked becomes ready', async () => {
    const { local } = running();
    // One call: from zero to one replica, which starts; then a backlog while it does.
    const first = call(`${burst}-task`, 'first');
    await eventually(async () =>
      expect(local.logged('starting replica', { specialist: burstKey })).not.toHaveLength(0),
    );
    const backlog = Array.from({ length: 11 }, (_, i) => call(`${burst}-task`, `backlog ${i}`));
    const answers = await Promise.all([first, ...backlog]);
    expect(answers).toHaveLength(12);
    const ups = local.scaled().filter((s) => s.specialist === burstKey);
    expect(Math.max(...ups.map((s) => s.to))).toBe(4);
    // The asks grew while the first replica was still starting (its engine loads for 5 s).
    const firstReady = local.messages.findIndex((m) => m.msg === 'replica ready' && m['specialist'] === burstKey);
    const secondAsk = local.messages.findIndex(
      (m) => m.msg === 'scaled' && m['specialist'] === burstKey && Number(m['from']) > 0,
    );
    expect(secondAsk).toBeGreaterThan(-1);
    expect(firstReady === -1 || secondAsk < firstReady).toBe(true);
    // Every replica asked for came up (the scale-down waits 10 minutes).
    await untilReady(local, burstKey, 4);
  });
});

describe('slm-fleet local killed with SIGKILL', { timeout: 300_000 }, () => {
  const name = `orphan-${tag}`;
  const key = `local/${name}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'slm-local-state-'));
  const dir = resourcesDir(specialistYaml(name, '{minReplicas: 1, maxReplicas: 1}'));
  const runs: LocalProcess[] = [];
  const start = (args: string[] = []) => {
    const run = startLocal(dir, ['--state-dir', stateDir, ...args]);
    runs.push(run);
    return run;
  };
  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
  });

  it('leaves no child running: its watchdog ends them', async () => {
    const local = start();
    await local.grpcPort;
    await untilReady(local, key, 1);
    const children = childrenOf(local.child.pid!);
    // Redis, the watchdog, a worker and its engine.
    expect(children.length).toBeGreaterThanOrEqual(4);
    local.child.kill('SIGKILL');
    await local.exited;
    await eventually(async () => expect(children.filter(isRunning)).toEqual([]), { timeoutMs: 90_000 });
  });

  it('a restart ends the leftovers of a run whose watchdog was killed too, and names its replicas anew', async () => {
    const first = start();
    await first.grpcPort;
    await untilReady(first, key, 1);
    const children = childrenOf(first.child.pid!);
    const watchdog = children.find((c) => commandLineOf(c.pid).includes('watchdog.js'));
    expect(watchdog).toBeDefined();
    process.kill(watchdog!.pid, 'SIGKILL');
    first.child.kill('SIGKILL');
    await first.exited;
    const leftovers = children.filter((c) => c.pid !== watchdog!.pid);
    expect(leftovers.filter(isRunning)).toHaveLength(leftovers.length); // orphans, for now

    const second = start();
    await second.grpcPort;
    await eventually(async () => expect(leftovers.filter(isRunning)).toEqual([]), { timeoutMs: 90_000 });
    const ended = second.logged('ended the leftovers of a previous run', { run: first.runId() })[0];
    expect(ended).toBeDefined();
    const endedPids = (ended!['processes'] as { pid: number }[]).map((p) => p.pid).sort();
    expect(endedPids).toEqual(leftovers.map((c) => c.pid).sort());
    const [replica] = await untilReady(second, key, 1);
    expect(second.runId()).not.toBe(first.runId());
    expect(replica!.replica).toBe(`${name}-${second.runId()}-0`);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('a caller through @slm-fleet/client sees no failed call while local mode is killed and started again', async () => {
    const port = await freePort();
    const first = start(['--grpc-port', String(port)]);
    await first.grpcPort;
    await untilReady(first, key, 1);
    // Default retries: until the deadline, at most a second apart.
    const client = new SlmFleetClient({ target: `127.0.0.1:${port}`, defaultTimeoutMs: 120_000 });
    const calls: Promise<unknown>[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        calls.push(client.invoke(`${name}-task`, { prompt: `call ${calls.length}` }));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      await eventually(async () => expect(calls.length).toBeGreaterThan(10));
      first.child.kill('SIGKILL');
      await first.exited;
      const second = start(['--grpc-port', String(port)]);
      await second.grpcPort;
      await untilReady(second, key, 1);
      const sentBeforeReady = calls.length;
      await eventually(async () => expect(calls.length).toBeGreaterThan(sentBeforeReady + 10));
      sending = false;
      await sender;
      const outcomes = await Promise.allSettled(calls);
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      sending = false;
      client.close();
    }
  });
});
