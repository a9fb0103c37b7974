// The docs cannot rot: every shell block in the repository's Markdown is run by a test (marked
// `<!-- test: <name> -->`, and a test names that block) or says why not (`<!-- not run: ... -->`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docBlock, shellBlocks } from './doc-blocks.js';
import { repoRoot } from './platform.js';

/** The repository's files (committed or new, not ignored) matching a git pathspec. */
const filesOf = (pattern: string): string[] =>
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', pattern], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
const read = (file: string): string => readFileSync(join(repoRoot, file), 'utf8');

describe('shellBlocks', () => {
  it('finds shell blocks with the marker above them, and skips other fences', () => {
    const markdown = [
      '<!-- test: first -->',
      '',
      '```sh',
      'echo 1',
      '```',
      '```yaml',
      'a: 1',
      '```',
      '<!-- not run: a server in the foreground -->',
      '```bash',
      'serve',
      '```',
      '```sh',
      'echo 3',
      '```',
    ].join('\n');
    expect(shellBlocks(markdown)).toEqual([
      { line: 3, marker: { kind: 'test', value: 'first' }, body: 'echo 1\n' },
      { line: 10, marker: { kind: 'not run', value: 'a server in the foreground' }, body: 'serve\n' },
      { line: 13, marker: undefined, body: 'echo 3\n' },
    ]);
  });
});

describe('docBlock', () => {
  it('reads a block nested in a list item without its indentation', async () => {
    const block = await docBlock('docs/helm.md', 'install');
    expect(block.split('\n')[0]).toMatch(/^helm install slm-fleet /);
    expect(block).toMatch(/^ {2}--set image\.repository=/m);
  });

  it('reads the block its marker is above, whatever shell fence it has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doc-blocks-'));
    try {
      const file = join(dir, 'doc.md');
      const markdown = ['<!-- test: first -->', '', '```bash', 'echo 1', '```', '', '```sh', 'echo 2', '```', ''];
      await writeFile(file, markdown.join('\n'));
      // docBlock takes a path from the repository root.
      await expect(docBlock(relative(repoRoot, file), 'first')).resolves.toBe('echo 1\n');
      await expect(docBlock(relative(repoRoot, file), 'second')).rejects.toThrow(/has no block marked "test: second"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the repository's Markdown", () => {
  const tests = filesOf('test/**/*.ts').map(read);

  it.each(filesOf('*.md'))('%s: each shell block is run by a test or says why not', (file) => {
    const problems = shellBlocks(read(file)).flatMap(({ line, marker }) => {
      if (!marker) return [`${file}:${line}: unmarked: add <!-- test: name --> and run it, or <!-- not run: why -->`];
      if (marker.kind === 'test') {
        const named = tests.some((t) => t.includes(`'${marker.value}'`) && t.includes(basename(file)));
        return named ? [] : [`${file}:${line}: no test under test/ names block '${marker.value}' of ${basename(file)}`];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });
});
