// The Dockerfile, checked without a Docker engine: its base image and user, that every path it
// copies exists once `npm run build` has run (and the build inputs are not dockerignored), that
// pruning dev dependencies keeps every package the compiled code imports, and that its
// entrypoint is the slm-fleet CLI whose parser takes the arguments the chart and the operator
// give its containers.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { buildProgram } from '@slm-fleet/cli';
import { workerContainer } from '@slm-fleet/workloads';
import type { Specialist } from '@slm-fleet/api';
import { repoRoot, runTool, slmFleetBin, toolPath } from '@slm-fleet/testing';
import { chartDir, find, parseManifests, podTemplateOf, type Container } from './chart.js';

const exec = promisify(execFile);

interface Instruction {
  stage: number;
  name: string;
  args: string;
}

/** The Dockerfile's instructions (continuation lines joined, comments dropped), numbered by stage. */
async function dockerfile(): Promise<Instruction[]> {
  const text = (await readFile(join(repoRoot, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name = '', ...rest] = line.split(/\s+/);
      if (name.toUpperCase() === 'FROM') stage += 1;
      return { stage, name: name.toUpperCase(), args: rest.join(' ') };
    });
}

/** .dockerignore as Docker reads it: patterns from the context root, `**` any depth, a match excludes what is under it. */
async function dockerignored(): Promise<(path: string) => boolean> {
  const patterns = (await readFile(join(repoRoot, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) throw new Error('this check does not handle ! exceptions');
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .split('**/')
          .map((part) => part.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
          .join('(.*/)?')}(/.*)?$`,
      ),
  );
  return (path) => regexes.some((r) => r.test(path));
}

/** Import specifiers in compiled JavaScript: static, dynamic and require. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  exports?: Record<string, { default?: string }>;
}

/**
 * The workspace packages the CLI loads: apps/cli and, transitively, the @slm-fleet packages
 * each declares or its compiled code imports.
 */
async function runtimePackages(): Promise<Map<string, { dir: string; manifest: PackageJson }>> {
  const all = new Map<string, { dir: string; manifest: PackageJson }>();
  for (const group of ['apps', 'libs']) {
    for (const entry of await readdir(join(repoRoot, group))) {
      const file = join(repoRoot, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(await readFile(file, 'utf8')) as PackageJson;
      all.set(manifest.name, { dir: join(repoRoot, group, entry), manifest });
    }
  }
  const needed = new Map<string, { dir: string; manifest: PackageJson }>();
  const queue = ['@slm-fleet/cli'];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const found = all.get(name);
    if (!found || needed.has(name)) continue;
    needed.set(name, found);
    queue.push(...Object.keys(found.manifest.dependencies ?? {}));
    for (const file of await compiledFiles(found.dir)) {
      for (const match of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
        const imported = packageOf(match[1] ?? '');
        if (imported?.startsWith('@slm-fleet/')) queue.push(imported);
      }
    }
  }
  return needed;
}

/** A package's compiled JavaScript that has a source today (dist/ may hold files of moved sources), and bin/. */
async function compiledFiles(dir: string): Promise<string[]> {
  const list = async (sub: string): Promise<string[]> =>
    existsSync(join(dir, sub))
      ? (await readdir(join(dir, sub), { withFileTypes: true, recursive: true }))
          .filter((e) => e.isFile() && e.name.endsWith('.js'))
          .map((e) => join(e.parentPath, e.name))
      : [];
  const compiled = (await list('dist')).filter((file) =>
    existsSync(join(dir, 'src', relative(join(dir, 'dist'), file)).replace(/\.js$/, '.ts')),
  );
  return [...compiled, ...(await list('bin'))];
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative paths and builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return builtinModules.includes(name) ? undefined : name;
}

/** `--flag` names in a container's args. */
const flagsOf = (args: string[]): string[] => args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] ?? a);

/** Parses a subcommand's arguments with the CLI's own parser: unknown flags and bad values throw. */
function parseWithCli(args: string[]): Record<string, unknown> {
  const [name, ...rest] = args;
  const command = buildProgram().commands.find((c) => c.name() === name);
  if (!command) throw new Error(`the CLI has no subcommand ${name}`);
  command.exitOverride();
  command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  const { operands, unknown } = command.parseOptions(rest);
  expect({ operands, unknown }, `slm-fleet ${args.join(' ')}`).toEqual({ operands: [], unknown: [] });
  return command.opts();
}

describe('Dockerfile', () => {
  it('builds on a pinned Node.js 24 image, runs from scratch (no RUN: nothing but node) as uid 65532 with the slm-fleet CLI as its entrypoint', async () => {
    const instructions = await dockerfile();
    const arg = instructions.find((i) => i.name === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:24\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    const froms = instructions.filter((i) => i.name === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const last = froms.length - 1;
    // Every build stage on the pinned Node.js image; the runtime stage on scratch, with no RUN
    // (it has no shell to run one).
    expect(froms.map((f) => f.args.split(/\s+/)[0])).toEqual(
      froms.map((_, i) => (i === last ? 'scratch' : '${NODE_IMAGE}')),
    );
    const final = instructions.filter((i) => i.stage === last);
    expect(final.filter((i) => i.name === 'RUN')).toEqual([]);
    expect(final.filter((i) => i.name === 'USER').map((i) => i.args)).toEqual(['65532:65532']);
    const entrypoint = JSON.parse(final.find((i) => i.name === 'ENTRYPOINT')?.args ?? 'null') as string[];
    expect(entrypoint).toEqual(['node', '/app/apps/cli/bin/slm-fleet.js']);
    const workdir = final.find((i) => i.name === 'WORKDIR')?.args;
    expect(join(repoRoot, relative(workdir ?? '/app', entrypoint[1] ?? ''))).toBe(slmFleetBin);
    const build = instructions
      .filter((i) => i.stage === 0 && i.name === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(build).toMatch(/npm ci\b/);
    expect(build).toMatch(/npm run build\b/);
    expect(build).toMatch(/npm prune --omit=dev\b/);
  });

  it('copies only paths that exist once built, and ignores no build input', async () => {
    const instructions = await dockerfile();
    const ignored = await dockerignored();
    const buildStageDir = instructions.find((i) => i.stage === 0 && i.name === 'WORKDIR')?.args ?? '/';
    // Files a build-stage RUN writes (`> /src/packages.txt`): they exist only in the build.
    const generated = instructions
      .filter((i) => i.stage === 0 && i.name === 'RUN')
      .flatMap((i) => [...i.args.matchAll(/>\s*(\/\S+)/g)].map((m) => relative(buildStageDir, m[1] ?? '')));
    for (const copy of instructions.filter((i) => i.name === 'COPY')) {
      const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--chown') && !w.startsWith('--chmod'));
      const from = words.find((w) => w.startsWith('--from='));
      // The runtime root is what its stage's RUN assembles (node and its libraries): nothing of
      // the repository's; test/image checks what it holds.
      if (from === '--from=runtime-root') continue;
      const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
      expect(sources.length, `COPY ${copy.args}`).toBeGreaterThan(0);
      for (const source of sources) {
        // From the build stage, /src/x is the repository's x after `npm ci && npm run build`.
        const path = from ? relative(buildStageDir, source) : source;
        expect(from === undefined || !path.startsWith('..'), `COPY ${copy.args}: outside ${buildStageDir}`).toBe(true);
        if (from && generated.includes(path)) continue;
        expect(existsSync(join(repoRoot, path)), `COPY ${copy.args}: ${path} does not exist`).toBe(true);
        if (!from && path !== '.') expect(ignored(path), `COPY ${copy.args}: ${path} is dockerignored`).toBe(false);
      }
    }
    // What npm ci and tsc -b need is in the context; what would spoil the build is not.
    const packages = await runtimePackages();
    const inputs = ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.base.json', 'tsconfig.build.json'];
    for (const { dir } of packages.values()) {
      const at = relative(repoRoot, dir);
      inputs.push(`${at}/package.json`, `${at}/tsconfig.lib.json`, `${at}/src/index.ts`);
    }
    expect(inputs.filter((p) => !existsSync(join(repoRoot, p)))).toEqual([]);
    expect(inputs.filter(ignored)).toEqual([]);
    for (const spoiler of [
      '.env',
      'apps/router/.env.local',
      'apps/cli/bin/.npmrc',
      'libs/queue/src/tls.key',
      'id_rsa',
      'node_modules',
      'apps/cli/dist',
      'apps/cli/dist/tsconfig.lib.tsbuildinfo',
      'tsconfig.tsbuildinfo',
      '.git',
      'libs/api/node_modules',
    ]) {
      expect(ignored(spoiler), `${spoiler} should be dockerignored`).toBe(true);
    }
    // The build stage trims each workspace package to what runs; what the runtime needs stays.
    const trim = /find apps libs -mindepth 2 -maxdepth 2 (.*?) -exec rm -rf/.exec(
      instructions
        .filter((i) => i.stage === 0 && i.name === 'RUN')
        .map((i) => i.args)
        .join('\n'),
    );
    const kept = [...(trim?.[1] ?? '').matchAll(/! -name (\S+)/g)].map((m) => m[1]);
    for (const { dir } of packages.values()) {
      for (const needed of ['package.json', 'dist', 'bin', 'node_modules'].filter((e) => existsSync(join(dir, e)))) {
        expect(kept, `the Dockerfile removes ${relative(repoRoot, join(dir, needed))}`).toContain(needed);
      }
    }
    // The runtime keeps each package's dist/: the entry every package exports exists.
    for (const [name, { dir, manifest }] of packages) {
      const entry = manifest.exports?.['.']?.default;
      expect(entry, `${name} exports no default entry`).toBeDefined();
      expect(existsSync(join(dir, entry ?? '')), `${name}: ${entry} missing (npm run build)`).toBe(true);
      expect(entry?.startsWith('./dist/'), `${name}: the image keeps only dist/ and bin/`).toBe(true);
    }
  });

  it('keeps every package the compiled code imports through `npm prune --omit=dev`', async () => {
    // What npm keeps is what the lockfile does not mark dev; Node finds a package in the
    // importing workspace's own node_modules first, then in the root's.
    const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; link?: boolean }>;
    };
    const packages = await runtimePackages();
    const pruned: string[] = [];
    let scanned = 0;
    for (const [, { dir }] of packages) {
      const at = relative(repoRoot, dir);
      for (const file of await compiledFiles(dir)) {
        scanned += 1;
        for (const match of (await readFile(file, 'utf8')).matchAll(IMPORT)) {
          const imported = packageOf(match[1] ?? '');
          if (!imported) continue;
          const entry = lock.packages[`${at}/node_modules/${imported}`] ?? lock.packages[`node_modules/${imported}`];
          if (!entry || entry.dev) pruned.push(`${relative(repoRoot, file)} imports ${imported}`);
        }
      }
    }
    expect(scanned, 'compiled files checked (npm run build first)').toBeGreaterThan(packages.size);
    expect([...new Set(pruned)], 'imported at run time, but not kept by npm prune --omit=dev').toEqual([]);
  });

  it('runs the CLI, whose parser takes the arguments and variables the chart and the operator give its containers', async () => {
    const { stdout: help } = await exec(process.execPath, [slmFleetBin, '--help']);
    for (const subcommand of ['operator', 'router', 'worker', 'engine-sim']) {
      expect(help).toMatch(new RegExp(`^\\s+${subcommand} \\[options\\]`, 'm'));
    }

    const helm = toolPath(inject('platform'), 'helm');
    const objects = parseManifests(
      await runTool(helm, ['template', 'rt', chartDir, '-n', 'demo', '--set', 'redis.cluster=true']),
    );
    const containerOf = (deployment: string): Container => {
      const [container] = podTemplateOf(find(objects, 'Deployment', deployment)).spec.containers;
      if (!container) throw new Error(`${deployment} has no container`);
      return container;
    };
    const specialist = {
      apiVersion: 'slm.dev/v1alpha1',
      kind: 'Specialist',
      metadata: { name: 'extractor', namespace: 'demo', uid: 'u' },
      spec: { model: { uri: 'hf://org/model' }, engine: { kind: 'vllm', maxConcurrency: 8 }, tasks: ['t'] },
    } as unknown as Specialist;
    const containers: Container[] = [
      containerOf('rt-slm-fleet-operator'),
      containerOf('rt-slm-fleet-router'),
      workerContainer(specialist, 'http://127.0.0.1:8000/v1', {
        image: 'slm-fleet:0.1.0',
        redisSecret: { name: 'slm-fleet-redis', key: 'url' },
      }) as Container,
    ];
    for (const container of containers) {
      const args = container.args ?? [];
      const subcommand = args[0] ?? '';
      // What the image runs: `slm-fleet <subcommand> --help` names every flag and variable given.
      const { stdout } = await exec(process.execPath, [slmFleetBin, subcommand, '--help']);
      const text = stdout.replace(/\s+/g, ' ');
      for (const flag of flagsOf(args)) expect(text, `slm-fleet ${subcommand} --help`).toContain(`${flag} `);
      for (const variable of (container.env ?? []).map((e) => e.name)) {
        expect(text, `slm-fleet ${subcommand} reads ${variable}`).toMatch(new RegExp(`env: ${variable}\\b`));
      }
      // And its parser takes the values.
      const options = parseWithCli(args);
      expect(options['host']).toBe('0.0.0.0');
    }
    expect(parseWithCli(containers[0]?.args ?? [])).toMatchObject({
      httpPort: 8081,
      config: '/etc/slm-fleet/operator.yaml',
      redisCluster: true,
    });
    expect(parseWithCli(containers[1]?.args ?? [])).toMatchObject({
      httpPort: 8080,
      grpcPort: 50051,
      maxRequestBytes: 1048576,
    });
    expect(parseWithCli(containers[2]?.args ?? [])).toMatchObject({ httpPort: 8082 });
  });
});
