// Docs whose commands cannot rot: a ```sh (bash, shell, console) block marked
// `<!-- test: <name> -->` in a Markdown file is read here and run by bash, as a reader would
// paste it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './platform.js';

/**
 * The shell block marked `<!-- test: <name> -->` in a Markdown file (a path from the
 * repository root), unindented: the same block `shellBlocks` finds for that marker.
 */
export async function docBlock(file: string, name: string): Promise<string> {
  const text = await readFile(join(repoRoot, file), 'utf8');
  if (!text.includes(`<!-- test: ${name} -->`)) throw new Error(`${file} has no block marked "test: ${name}"`);
  const block = shellBlocks(text).find(({ marker }) => marker?.kind === 'test' && marker.value === name);
  if (!block?.body) throw new Error(`${file}: no shell block right after "test: ${name}"`);
  return block.body;
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

/** A shell block of a Markdown file, and what its marker says about it. */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** `test: <name>` (a test runs it), `not run: <why>`, or undefined (unmarked). */
  marker: { kind: 'test' | 'not run'; value: string } | undefined;
  /**
   * Its lines, each ending in a newline, without the fence's indentation: a block inside a
   * list item is indented like its fence, the commands are not. Empty if it is never closed.
   */
  body: string;
}

const FENCE = /^(\s*)```(sh|bash|shell|console)\s*$/;
const MARKER = /^\s*<!-- (test|not run): (.+?) -->\s*$/;

/** Every ```sh (bash, shell, console) block of a Markdown text, with the marker just above it. */
export function shellBlocks(markdown: string): ShellBlock[] {
  return fencedBlocks(markdown, FENCE);
}

/**
 * The code block of another language (```js, ```python: a snippet a test runs) marked
 * `<!-- test: <name> -->` in a Markdown file, unindented.
 */
export async function docCodeBlock(file: string, name: string, language: string): Promise<string> {
  const text = await readFile(join(repoRoot, file), 'utf8');
  const fence = new RegExp(`^(\\s*)\`\`\`(${language})\\s*$`);
  const block = fencedBlocks(text, fence).find(({ marker }) => marker?.kind === 'test' && marker.value === name);
  if (!block?.body) throw new Error(`${file}: no \`\`\`${language} block right after "test: ${name}"`);
  return block.body;
}

/** Every fenced block whose opening line matches `fence` (indentation in group 1), with its marker. */
function fencedBlocks(markdown: string, fence: RegExp): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  let inFence = false;
  // The shell block being read: its fence's indentation, and its lines so far.
  let reading: { block: ShellBlock; indent: string; lines: string[] } | undefined;
  lines.forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      const opening = inFence ? null : fence.exec(text);
      if (opening) {
        let above = i - 1;
        while (above >= 0 && lines[above]?.trim() === '') above--;
        const [, kind, value] = MARKER.exec(lines[above] ?? '') ?? [];
        const block: ShellBlock = {
          line: i + 1,
          marker: kind && value ? { kind: kind as 'test' | 'not run', value } : undefined,
          body: '',
        };
        blocks.push(block);
        reading = { block, indent: opening[1] ?? '', lines: [] };
      } else if (reading) {
        reading.block.body = reading.lines.map((line) => `${line}\n`).join('');
        reading = undefined;
      }
      inFence = !inFence;
    } else if (reading) {
      const { indent } = reading;
      reading.lines.push(text.startsWith(indent) ? text.slice(indent.length) : text);
    }
  });
  return blocks;
}
