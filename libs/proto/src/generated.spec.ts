// The committed generated code must be what `npm run generate` writes from proto/ today, and
// proto/ must pass `buf lint` (buf.yaml: STANDARD, with its documented exceptions).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const committedDir = join(root, 'libs', 'proto', 'src', 'gen');
const out = mkdtempSync(join(tmpdir(), 'slm-fleet-proto-gen-'));
const freshDir = join(out, 'libs', 'proto', 'src', 'gen');

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

const buf = join(root, 'node_modules', '.bin', 'buf');
execFileSync(process.execPath, [join(root, 'libs', 'proto', 'bin', 'generate.js'), out], { stdio: 'pipe' });

describe('generated gRPC code (libs/proto/src/gen)', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('has the files generation writes, no more, no fewer (run npm run generate)', () => {
    expect(filesUnder(committedDir)).toEqual(filesUnder(freshDir));
    expect(filesUnder(freshDir)).toEqual(
      expect.arrayContaining(['descriptor-set.ts', 'slm/v1/router.ts', 'google/protobuf/struct.ts']),
    );
  });

  it.each(filesUnder(freshDir))('%s is up to date (run npm run generate)', (file) => {
    expect(readFileSync(join(committedDir, file), 'utf8')).toBe(readFileSync(join(freshDir, file), 'utf8'));
  });
});

describe('proto/', () => {
  it('passes buf lint', () => {
    // execFileSync throws, with buf's findings, on a non-zero exit.
    expect(execFileSync(buf, ['lint'], { cwd: root, encoding: 'utf8' })).toBe('');
  });
});
