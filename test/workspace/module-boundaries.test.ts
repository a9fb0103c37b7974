// The lint rules that keep the monorepo's shape: libs never import apps, apps never import
// each other, and only the CLI wires apps together. Checked through ESLint's own API.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@slm-fleet/testing';

const boundaryErrors = async (file: string, code: string): Promise<string[]> => {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
};

describe('module boundaries', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph; computing it is what `npm run lint` does first.
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  });

  it('forbids a lib importing an app', async () => {
    const errors = await boundaryErrors('libs/testing/src/probe.ts', "export * from '@slm-fleet/operator';\n");
    expect(errors).toContain('Imports of apps are forbidden');
  });

  it('forbids an app importing another app', async () => {
    const errors = await boundaryErrors('apps/router/src/probe.ts', "export * from '@slm-fleet/worker';\n");
    expect(errors).not.toHaveLength(0);
  });

  it('forbids a lib importing the testing harness', async () => {
    // A lib outside the harness's own dependencies, so the only error is the tag rule.
    const errors = await boundaryErrors('libs/routing/src/probe.ts', "export * from '@slm-fleet/testing';\n");
    expect(errors.join('\n')).toContain('can only depend on libs tagged with "type:lib"');
  });

  it('lets apps import libs and the CLI import apps', async () => {
    expect(await boundaryErrors('apps/router/src/probe.ts', "export * from '@slm-fleet/service';\n")).toEqual([]);
    expect(await boundaryErrors('apps/cli/src/probe.ts', "export * from '@slm-fleet/router';\n")).toEqual([]);
  });
});
