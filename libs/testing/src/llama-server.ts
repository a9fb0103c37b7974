// llama.cpp's llama-server serving the tiny random-weights model, as a test's real engine.
// scripts/lib/llamacpp.sh builds and caches both (`scripts/platform build` runs it); the paths
// come from that script, so they follow its pinned versions.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { freePort } from '@slm-fleet/service';
import { repoRoot } from './platform.js';

const run = promisify(execFile);

export interface LlamaCppFiles {
  /** The llama-server executable. */
  server: string;
  /** The tiny GGUF model (tools/tiny-gguf/make_tiny_model.py). */
  model: string;
}

/** The cached llama-server and model; SLM_LLAMA_SERVER and SLM_TINY_GGUF override them. */
export async function llamaCppFiles(): Promise<LlamaCppFiles> {
  const lib = (name: string) => join(repoRoot, 'scripts', 'lib', name);
  const script = `source "${lib('common.sh')}" && source "${lib('llamacpp.sh')}" && llamacpp_env`;
  const { stdout } = await run('bash', ['-c', script]);
  const exported = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const files = {
    server: process.env['SLM_LLAMA_SERVER'] || exported['SLM_LLAMA_SERVER'] || '',
    model: process.env['SLM_TINY_GGUF'] || exported['SLM_TINY_GGUF'] || '',
  };
  for (const path of [files.server, files.model]) {
    if (!existsSync(path))
      throw new Error(`${path || 'llama-server'} is missing; build it with: scripts/platform build`);
  }
  return files;
}

export interface LlamaServer {
  child: ChildProcess;
  port: number;
  /** The OpenAI-compatible base URL, with /v1. */
  baseUrl: string;
  /** Its output, for failure messages. */
  logs: string[];
  stop: () => Promise<void>;
}

export interface LlamaServerOptions {
  /** The model name llama-server reports. */
  alias?: string;
  /** Context, shared by the parallel slots. */
  ctxSize?: number;
  parallel?: number;
  /** How long loading may take before start fails. */
  timeoutMs?: number;
}

/** Starts llama-server on a free loopback port with --jinja (tool calls) and waits for /health. */
export async function startLlamaServer(options: LlamaServerOptions = {}): Promise<LlamaServer> {
  const files = await llamaCppFiles();
  const port = await freePort();
  // One thread: the model is tiny, and more threads spin on a 2-core machine running other tests.
  // A fixed seed makes each prompt's nonsense the same on every run.
  const args = [
    ...['-m', files.model, '--jinja', '--host', '127.0.0.1', '--port', String(port)],
    ...['--alias', options.alias ?? 'tiny', '--ctx-size', String(options.ctxSize ?? 2048)],
    ...['-np', String(options.parallel ?? 2), '--threads', '1', '--threads-batch', '1', '--seed', '7'],
  ];
  const child = spawn(files.server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (l) => logs.push(l));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`llama-server exited with ${exitCode}:\n${logs.join('\n')}`);
    // /health answers 503 while the model loads, 200 once it serves.
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`llama-server did not become healthy on port ${port}:\n${logs.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, port, baseUrl: `http://127.0.0.1:${port}/v1`, logs, stop };
}
