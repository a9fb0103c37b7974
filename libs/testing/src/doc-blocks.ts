// Docs whose commands cannot rot: a ```sh block marked `<!-- test: <name> -->` in a Markdown
// file is read here and run by bash, as a reader would paste it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './platform.js';

/** The ```sh block after `<!-- test: <name> -->` in a Markdown file (a path from the repository root). */
export async function docBlock(file: string, name: string): Promise<string> {
  const text = await readFile(join(repoRoot, file), 'utf8');
  const marker = text.indexOf(`<!-- test: ${name} -->`);
  if (marker === -1) throw new Error(`${file} has no block marked "test: ${name}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(marker));
  if (!block?.[1]) throw new Error(`${file}: no sh block after "test: ${name}"`);
  return block[1];
}

/** Sets each placeholder the block assigns at the start of a line (`NAME=value`) to the given value. */
export function withValues(block: string, values: Record<string, string>): string {
  let script = block;
  for (const [name, value] of Object.entries(values)) {
    const assignment = new RegExp(`^${name}=\\S+`, 'gm');
    if (!assignment.test(script)) throw new Error(`the block does not set ${name}=:\n${block}`);
    script = script.replace(assignment, `${name}=${value}`);
  }
  return script;
}

/**
 * Runs a script with `bash -euo pipefail` from the repository root, in a process group of its
 * own, and ends the whole group afterwards (commands the script put in the background
 * included). Resolves with the output; rejects with it on failure.
 */
export function runDocScript(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    // When bash ends, end what it left in the background too; their output pipes then close.
    child.once('exit', () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // the group has ended already
      }
    });
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`the docs block failed (exit ${code}):\n${script}\n---\n${output}`));
    });
  });
}
