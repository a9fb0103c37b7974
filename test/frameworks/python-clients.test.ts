// Agents in Python, as agent developers write them: the openai package (chat completions,
// streamed tool calls, the Responses API) and LangChain (bind_tools, streaming), run against
// slm-fleet with only the base URL changed. tools/python-clients/agent_loop.py is the agent;
// scripts/lib/python-clients.sh installs the pinned clients (scripts/platform build).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';

const run = promisify(execFile);

/** The venv's python, where scripts/lib/python-clients.sh put it. */
async function pythonClients(): Promise<string> {
  const lib = (name: string) => join(repoRoot, 'scripts', 'lib', name);
  const script = `source "${lib('common.sh')}" && source "${lib('python-clients.sh')}" && python_clients_env`;
  const { stdout } = await run('bash', ['-c', script]);
  const python = /^export SLM_PYTHON_CLIENTS=(.*)$/m.exec(stdout)?.[1] ?? '';
  if (!existsSync(python)) throw new Error(`${python} is missing; install it with: scripts/platform build`);
  return python;
}

interface Seen {
  chat: { finish: string[]; tool: string; arguments: { order_id: unknown }; answer: string };
  stream: { pieces: number; first: { id: string; name: string }; arguments: { order_id: unknown } };
  responses: { first: string; name: string; store: boolean; answer: string };
  refusal: { status: number; param: string } | null;
  langchain: { tool: string; answer: string; streamed_tool: string };
  answered_by: { specialist: string; tier: string; reason: string | null };
}

describe('Python agents (openai, LangChain) against slm-fleet', () => {
  const env = useSuiteEnv('python-clients');
  const processes: FleetProcess[] = [];
  let seen: Seen;

  beforeAll(async () => {
    const python = await pythonClients();
    await installCrds(env());
    await env().apply(simSpecialist('support-agent', ['support']));
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(engine, await startWorker(env(), 'support-agent', engine));
    const router = await startRouter(env());
    processes.push(router);
    const script = join(repoRoot, 'tools', 'python-clients', 'agent_loop.py');
    const { stdout } = await run(python, [script, `http://127.0.0.1:${router.port}/v1`, 'support'], {
      timeout: 90_000,
    });
    seen = JSON.parse(stdout) as Seen;
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('openai: a tool call, then an answer that reads its result', () => {
    expect(seen.chat.finish[0]).toBe('tool_calls');
    expect(seen.chat.finish[1]).not.toBe('tool_calls');
    expect(seen.chat.tool).toBe('lookup_order');
    expect(typeof seen.chat.arguments.order_id).toBe('string');
    expect(seen.chat.answer.length).toBeGreaterThan(0);
  });

  it('openai: a streamed tool call in pieces, id and name first', () => {
    expect(seen.stream.pieces).toBeGreaterThanOrEqual(1);
    expect(seen.stream.first.id).toMatch(/\S/);
    expect(seen.stream.first.name).toBe('lookup_order');
    expect(typeof seen.stream.arguments.order_id).toBe('string');
  });

  it('openai: the Responses API, function_call then function_call_output, nothing stored', () => {
    expect(seen.responses).toMatchObject({ first: 'function_call', name: 'lookup_order', store: false });
    expect(seen.responses.answer.length).toBeGreaterThan(0);
  });

  it('openai: a bad tool_choice is a 400 naming the field', () => {
    expect(seen.refusal).toEqual({ status: 400, param: 'tool_choice.function.name' });
  });

  it('openai: the raw response names who answered (x-slm-answered-by, x-slm-tier)', () => {
    expect(seen.answered_by).toEqual({
      specialist: `${env().namespace}/support-agent`,
      tier: 'specialist',
      reason: null,
    });
  });

  it('LangChain: bind_tools runs the loop, and streamed chunks add up to the tool call', () => {
    expect(seen.langchain.tool).toBe('lookup_order');
    expect(seen.langchain.answer.length).toBeGreaterThan(0);
    expect(seen.langchain.streamed_tool).toBe('lookup_order');
  });
});
