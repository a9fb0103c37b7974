// The commands of docs/api.md, docs/operations.md and docs/troubleshooting.md, run as written:
// each ```sh block marked `<!-- test: <name> -->` is run by bash from the repository root
// against real processes (router, worker, engine simulator, operator) on the local platform.
// A block starts with placeholder assignments (NS=demo, ROUTER=127.0.0.1:50051, ...); the only
// change the test makes is to set those to the suite's values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlock, installCrds, runDocScript, shellEnvOf, useSuiteEnv, withValues } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';
import {
  startOperator,
  stopOperator,
  writeOperatorConfig,
  type OperatorProcess,
} from '../operator/operator-process.js';

describe('docs: calling the router, its metrics, calls that time out', () => {
  const env = useSuiteEnv('docs-data-plane');
  const processes: FleetProcess[] = [];
  let router: FleetProcess;
  let worker: FleetProcess;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('invoice-extractor', ['extract-invoice', 'support-tools']));
    // No worker serves this one: its calls wait in its queue.
    await env().apply(simSpecialist('summarizer', ['summarize']));
    router = await startRouter(env());
    const engine = await startSimulator({ ttft: '5ms', tpot: '1ms' });
    worker = await startWorker(env(), 'invoice-extractor', engine);
    processes.push(router, engine, worker);
  });
  afterAll(async () => {
    for (const process of processes.reverse()) await stopFleet(process);
  });

  const values = (): Record<string, string> => ({
    NS: env().namespace,
    ROUTER: `127.0.0.1:${router.grpcPort}`,
    HTTP: `127.0.0.1:${router.port}`,
    WORKER: `127.0.0.1:${worker.port}`,
    PREFIX: env().queuePrefix,
  });
  const run = async (file: string, name: string, only: string[]): Promise<string> => {
    const all = values();
    const picked = Object.fromEntries(only.map((key) => [key, all[key]!]));
    return runDocScript(withValues(await docBlock(`docs/${file}`, name), picked), shellEnvOf(env()));
  };

  it('api.md: gRPC calls with grpcurl', async () => {
    const output = await run('api.md', 'grpc', ['ROUTER']);
    expect(output).toContain('slm.v1.AgentRouter.Invoke');
    expect(output).toMatch(/"answeredBy": \{\s*"specialist": "[^"]+\/invoice-extractor"/);
    expect(output).toMatch(/"name": "extract-invoice"/);
    expect(output).toMatch(/Code: NotFound/);
    expect(output).toMatch(/slm-error-reason: TASK_NOT_FOUND/);
  });

  it('api.md: the OpenAI-compatible HTTP API with curl', async () => {
    const output = await run('api.md', 'http', ['HTTP']);
    expect(output).toContain('"object":"chat.completion"');
    expect(output).toContain('data: [DONE]');
    expect(output).toMatch(/"id":"extract-invoice"/);
    expect(output).toMatch(/"code":"TASK_NOT_FOUND"/);
    expect(output).toMatch(/^404$/m);
    expect(output).toMatch(/"param":"X-Slm-Priority header"/);
  });

  it('api.md: tool calls over gRPC with grpcurl', async () => {
    const output = await run('api.md', 'tools-grpc', ['ROUTER']);
    expect(output).toMatch(/"toolCalls": \[\s*\{\s*"id": "call_\w+",\s*"name": "lookup_order",\s*"arguments": "\{/);
    expect(output).toMatch(/"finishReason": "tool_calls"/);
    // The second turn answers in text after the tool result; the stream carries tool call pieces.
    expect(output).toMatch(/"finishReason": "(stop|length)"/);
    // grpcurl leaves out default values: index 0, and empty ids, names and deltas.
    // The stream: tool call pieces (one or more: a busy worker sends fast tokens together),
    // then the done chunk with the whole call; the first call's answer had one list too.
    expect(output).toMatch(/"done": \{/);
    expect((output.match(/"toolCalls": \[/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it('api.md: tool calls over HTTP with curl', async () => {
    const output = await run('api.md', 'tools-http', ['HTTP']);
    expect(output).toMatch(
      /"tool_calls":\[\{"id":"call_\w+","type":"function","function":\{"name":"lookup_order","arguments":"\{/,
    );
    expect(output).toMatch(/"finish_reason":"tool_calls"/);
    expect(output).toMatch(/"finish_reason":"(stop|length)"/);
    expect(output).toMatch(
      /data: \{.*"delta":\{"tool_calls":\[\{"index":0,"id":"call_\w+","type":"function","function":\{"name":"lookup_order","arguments":"/,
    );
    // Further pieces ("index":0 with arguments only) come when the engine's tokens reach the
    // worker in more than one tick; on a busy machine the first piece may carry them all.
    expect(output).toMatch(/"param":"tool_choice.function.name"/);
    expect(output).toMatch(/^400$/m);
  });

  it('operations.md: the router and worker metrics', async () => {
    const output = await run('operations.md', 'metrics', ['HTTP', 'WORKER']);
    expect(output).toMatch(/^slm_fleet_router_calls_total\{task="extract-invoice",code="OK"\} \d+/m);
    expect(output).toMatch(/^slm_fleet_router_specialist_queue_waiting\{specialist="[^"]+\/invoice-extractor"\} 0/m);
    expect(output).toMatch(/^slm_fleet_worker_calls_total\{specialist="[^"]+\/invoice-extractor",outcome="ok"\} \d+/m);
  });

  it('troubleshooting.md: a call that times out, and the queue it waited in', async () => {
    const output = await run('troubleshooting.md', 'timeout', ['NS', 'ROUTER', 'HTTP', 'PREFIX']);
    expect(output).toMatch(/Code: DeadlineExceeded/);
    expect(output).toMatch(/"code":"DEADLINE_EXCEEDED"/);
    expect(output).toMatch(/^504$/m);
    expect(output).toMatch(/^slm_fleet_router_specialist_queue_waiting\{specialist="[^"]+\/summarizer"\} [1-9]/m);
    const oldest = /^slm_fleet_router_specialist_oldest_waiting_seconds\{specialist="[^"]+\/summarizer"\} (\S+)$/m.exec(
      output,
    );
    expect(Number(oldest?.[1])).toBeGreaterThan(0);
    expect(output).toMatch(/^waiting: [1-9]/m);
  });

  // Last: it drains the worker.
  it('api.md: probes, and draining a worker', async () => {
    const output = await run('api.md', 'probes', ['HTTP', 'WORKER']);
    expect(output).toContain('{"status":"ok"}');
    expect(output).toMatch(/"checks":\{"redis":"ok","routing-table":"ok"\}/);
    expect(output).toMatch(/"drained":true/);
    expect(output).toMatch(/"shutdown":"draining"/);
  });
});

describe('docs: a Specialist that stays Degraded', () => {
  const env = useSuiteEnv('docs-degraded');
  let operator: OperatorProcess | undefined;

  beforeAll(async () => {
    await installCrds(env());
    // The autoscaler off: nothing but the reconciler writes these Specialists.
    operator = await startOperator(env(), await writeOperatorConfig(env(), { autoscaler: { enabled: false } }));
  });
  afterAll(async () => {
    await stopOperator(operator);
  });

  it('troubleshooting.md: InsufficientGPU and InvalidSpec, as kubectl shows them', async () => {
    const script = withValues(await docBlock('docs/troubleshooting.md', 'degraded'), { NS: env().namespace });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/^InsufficientGPU$/m);
    expect(output).toMatch(/Insufficient nvidia\.com\/gpu/);
    expect(output).toMatch(/Warning\s+InsufficientGPU/);
    expect(output).toMatch(/^InvalidSpec$/m);
    expect(output).toMatch(/Unknown GPU profile\(s\) "nvidia-b200"/);
  });

  it('operations.md: the operator metrics', async () => {
    const script = withValues(await docBlock('docs/operations.md', 'operator-metrics'), {
      OPERATOR: `127.0.0.1:${operator!.port}`,
    });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/^slm_fleet_operator_leader 1$/m);
    expect(output).toMatch(/^slm_fleet_operator_reconcile_total\{controller="specialist",result="success"\} [1-9]/m);
  });
});
