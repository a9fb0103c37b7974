// README "Using slm-fleet from your agent framework": each snippet runs as written, with node,
// against a router serving examples/local/support-agent.yaml (only the base URL is the test's).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docCodeBlock, installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';
import { startRouter, startSimulator, startWorker, stopFleet, type FleetProcess } from '../data-plane/fleet.js';

const run = promisify(execFile);
const README_URL = 'http://localhost:8080/v1';

describe('README: agent frameworks against slm-fleet', () => {
  const env = useSuiteEnv('readme-frameworks');
  const processes: FleetProcess[] = [];
  // Inside the repository, so the snippets' imports resolve to its node_modules.
  const dir = join(repoRoot, 'node_modules', '.cache', 'slm-fleet-docs');
  let baseURL: string;

  beforeAll(async () => {
    await installCrds(env());
    const example = await readFile(join(repoRoot, 'examples', 'local', 'support-agent.yaml'), 'utf8');
    for (const doc of example.split(/^---$/m)) await env().apply(doc);
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(engine, await startWorker(env(), 'support-agent', engine));
    const router = await startRouter(env());
    processes.push(router);
    baseURL = `http://127.0.0.1:${router.port}/v1`;
    await mkdir(dir, { recursive: true });
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  /** Runs the README's block with node; its output. */
  const runSnippet = async (name: string): Promise<string> => {
    const code = await docCodeBlock('README.md', name, 'js');
    expect(code).toContain(README_URL);
    const file = join(dir, `${name}.mjs`);
    await writeFile(file, code.replaceAll(README_URL, baseURL));
    const { stdout } = await run(process.execPath, [file], {
      env: { ...process.env, OPENAI_AGENTS_DISABLE_TRACING: '1' },
      timeout: 60_000,
    });
    return stdout;
  };

  it('runs the openai client tool loop', async () => {
    expect(await runSnippet('framework-openai')).toMatch(/^lookup_order \{"order_id":".*"\} -> \S/);
  });

  it('runs the Vercel AI SDK tool loop in two steps', async () => {
    expect(await runSnippet('framework-vercel-ai')).toMatch(/^2 steps: \S/);
  });

  it('runs the OpenAI Agents SDK agent to its final output', async () => {
    expect((await runSnippet('framework-openai-agents')).trim().length).toBeGreaterThan(0);
  });
});
