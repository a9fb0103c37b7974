// @slm-fleet/client as users get it: the npm package's contents, the TypeScript in its docs
// compiled against the built package, and the example agent service (examples/agent-service)
// and the docs' quick start run with node against real router, worker and engine simulator
// processes serving their three tasks.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { engineRequests } from './fleet-helpers.js';

const run = promisify(execFile);
const clientDir = join(repoRoot, 'libs', 'client');
const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const buildClient = () => run(tsc, ['-b', 'libs/client/tsconfig.lib.json'], { cwd: repoRoot });
const scratchDirs: string[] = [];
// Every test uses the built package (dist/); building it once serves the whole file.
beforeAll(buildClient);
afterAll(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const typescriptBlocks = (doc: string): string[] =>
  [...readFileSync(join(repoRoot, doc), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

/**
 * Compiles TypeScript files in a directory outside the repository, where @slm-fleet/client
 * resolves as an installed package does (its dist/, no sources); resolves to the directory,
 * with snippet-<i>.js beside each snippet when `emit`. Rejects with tsc's errors.
 */
async function compileOutsideRepo(snippets: string[], emit: boolean): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'slm-fleet-client-docs-'));
  scratchDirs.push(dir);
  const files = snippets.map((code, i) => (writeFileSync(join(dir, `snippet-${i}.ts`), code), `snippet-${i}.ts`));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  const compilerOptions = { module: 'NodeNext', target: 'ES2022', strict: true, noEmit: !emit, types: ['node'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
  await run(tsc, ['-p', dir]);
  return dir;
}

describe('the @slm-fleet/client package', () => {
  it('packs its compiled code and types, and no sources, tests or build state', async () => {
    // npm pack runs the package's prepack (a clean build) first, as npm publish would.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: clientDir });
    const [pack] = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as [{ name: string; files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    expect(pack.name).toBe('@slm-fleet/client');
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);
    expect(files.filter((f) => /\.spec\.|tsbuildinfo/.test(f))).toEqual([]);
  });

  it('is publishable and names the packages it needs at run time', () => {
    const pkg = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    expect(Object.keys(pkg.dependencies as object)).toEqual(['@grpc/grpc-js', '@slm-fleet/proto']);
    expect(pkg.exports).toMatchObject({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
  });
});

describe('the TypeScript in the client docs', () => {
  it('compiles against the built package, as a user would write it', async () => {
    const snippets = ['docs/client.md', 'libs/client/README.md'].flatMap(typescriptBlocks);
    expect(snippets.length).toBeGreaterThan(1);
    await expect(compileOutsideRepo(snippets, false)).resolves.toEqual(expect.any(String));
  });
});

describe('the example agent service', () => {
  const env = useSuiteEnv('client-example');
  const processes: FleetProcess[] = [];
  let simulator: FleetProcess;
  let router: FleetProcess;

  beforeAll(async () => {
    await installCrds(env());
    simulator = await startSimulator({ tpot: '1ms', outputTokens: 10 });
    processes.push(simulator);
    for (const [specialist, task] of [
      ['ticket-classifier', 'classify-ticket'],
      ['invoice-extractor', 'extract-invoice'],
      ['summarizer', 'summarize'],
    ] as const) {
      await env().apply(simSpecialist(specialist, [task]));
      processes.push(await startWorker(env(), specialist, simulator));
    }
    router = await startRouter(env());
    processes.push(router);
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  const runExample = async () => {
    const { stdout } = await run(process.execPath, [join(repoRoot, 'examples', 'agent-service', 'support-agent.js')], {
      env: { ...process.env, SLM_FLEET_TARGET: `127.0.0.1:${router.grpcPort}` },
    });
    return stdout;
  };
  /** The answers in the example's output, without the timings (which differ run to run). */
  const answersIn = (stdout: string) => stdout.replace(/, \d+ ms\)/g, ')');

  it('triages its sample tickets with three tasks: two JSON answers and a streamed summary', async () => {
    const stdout = await runExample();
    const ns = env().namespace;
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ticket '))).toHaveLength(2);

    const json = (task: string) =>
      lines
        .filter((l) => l.startsWith(`  ${task} -> `))
        .map((l) => JSON.parse(/-> (\{.*\}) \(/.exec(l)?.[1] ?? 'null') as Record<string, unknown>);
    const triages = json('classify-ticket');
    expect(triages).toHaveLength(2);
    for (const triage of triages) {
      expect(triage).toEqual({
        category: expect.stringMatching(/^(billing|bug|account|other)$/),
        urgency: expect.stringMatching(/^(low|normal|high)$/),
      });
    }
    const invoices = json('extract-invoice');
    expect(invoices).toHaveLength(2);
    for (const invoice of invoices) {
      expect(invoice).toEqual({
        invoiceNumber: expect.any(String),
        total: expect.any(Number),
        currency: expect.stringMatching(/^[A-Z]{3}$/),
      });
    }
    const summaries = lines.filter((l) => l.startsWith('  summarize -> '));
    expect(summaries).toHaveLength(2);
    const summaryLine = new RegExp(`^  summarize -> \\S.* \\(${ns}/summarizer, \\d+ ms\\)$`);
    for (const summary of summaries) expect(summary).toMatch(summaryLine);
  });

  it('gets the same answers without running the models again when it handles the same tickets again', async () => {
    const first = await runExample();
    const before = await engineRequests(simulator);
    const second = await runExample();
    expect(answersIn(second)).toBe(answersIn(first));
    expect(await engineRequests(simulator)).toBe(before);
  });

  it('runs the quick start of docs/client.md against the router', async () => {
    const [quickStart] = typescriptBlocks('docs/client.md');
    const routed = quickStart!.replace("'127.0.0.1:50051'", `'127.0.0.1:${router.grpcPort}'`);
    const dir = await compileOutsideRepo([routed], true);
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'snippet-0.js')]);
    expect(stdout).toMatch(/tokens\)\n/);
    expect(stdout).toContain("[ 'classify-ticket', 'extract-invoice', 'summarize' ]");
    expect(stderr).toMatch(/^NOT_FOUND TASK_NOT_FOUND /m);
  });
});
