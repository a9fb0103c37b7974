import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputFor } from '../inputs.fixture.js';
import { renderEngine } from '../render-engine.js';

const run = promisify(execFile);

// A stand-in `ollama` that logs each call with the server address it was given. The pull-phase
// server blocks like the real one until killed; FAIL_ON makes one subcommand fail, and a failed
// server also fails `list`, as a client finds no server to talk to. Like a real client, `list`
// also fails (unlogged) until that server is up, i.e. has logged: otherwise the script could
// finish and kill the background server before it ever ran.
const fakeOllama = `#!/bin/sh
if [ "$1" = list ] && [ "\${FAIL_ON:-}" != serve ] && ! grep -qx "$OLLAMA_HOST serve" "$LOG" 2>/dev/null; then exit 1; fi
echo "$OLLAMA_HOST $*" >> "$LOG"
if [ "$1" = "\${FAIL_ON:-}" ]; then exit 1; fi
if [ "$1" = list ] && [ "\${FAIL_ON:-}" = serve ]; then exit 1; fi
if [ "$1" = serve ] && [ "$OLLAMA_HOST" != 0.0.0.0:11434 ]; then exec sleep 60; fi
exit 0
`;

describe('the ollama start script', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ollama-script-'));
    await writeFile(join(dir, 'ollama'), fakeOllama);
    await chmod(join(dir, 'ollama'), 0o755);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function start(modelUri: string, servedName: string, failOn = '') {
    const { container } = renderEngine(inputFor('ollama', { model: { uri: modelUri, servedName } }));
    const env: Record<string, string> = { PATH: `${dir}:/usr/bin:/bin`, LOG: join(dir, 'log'), FAIL_ON: failOn };
    for (const variable of container.env ?? []) env[variable.name] = variable.value ?? '';
    const [shell = '', ...args] = container.command ?? [];
    const outcome = await run(shell, args, { env, timeout: 20_000 }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
    const log = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
    return { exitCode: outcome, calls: log.trim().split('\n') };
  }

  it('pulls on a loopback server, names the model as served, then serves on the pod port', async () => {
    const { exitCode, calls } = await start('hf://org/repo-GGUF:Q4_K_M', 'qwen-small');
    expect(exitCode).toBe(0);
    // The pull-phase server starts in the background, so its log line may come after the
    // first readiness poll (`list`); everything in the foreground runs in this order.
    expect(calls).toContain('127.0.0.1:11435 serve');
    expect(calls.filter((call) => call !== '127.0.0.1:11435 serve')).toEqual([
      '127.0.0.1:11435 list',
      '127.0.0.1:11435 pull hf.co/org/repo-GGUF:Q4_K_M',
      '127.0.0.1:11435 cp hf.co/org/repo-GGUF:Q4_K_M qwen-small',
      '0.0.0.0:11434 serve',
    ]);
  });

  it('skips the copy when the served name is the pulled name', async () => {
    const { calls } = await start('ollama://qwen2.5', 'qwen2.5');
    expect(calls.some((call) => call.includes(' cp '))).toBe(false);
  });

  it('exits without opening the pod port, and stops the pull server, when the pull fails', async () => {
    const { exitCode, calls } = await start('ollama://qwen2.5', 'q', 'pull');
    expect(exitCode).not.toBe(0);
    expect(calls).not.toContain('0.0.0.0:11434 serve');
  });

  it('stops waiting when the pull-phase server dies', async () => {
    const { exitCode, calls } = await start('ollama://qwen2.5', 'q', 'serve');
    expect(exitCode).not.toBe(0);
    expect(calls.some((call) => call.includes(' pull '))).toBe(false);
  });
});
