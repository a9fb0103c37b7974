// examples/local is "the same YAML a cluster takes": every file is accepted by the API server
// (server-side dry run, the CRDs' CEL rules included), large-model.yaml's openai Specialist
// and the AgentTasks naming it as their fallback among them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';

const dir = join(repoRoot, 'examples', 'local');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('examples/local', () => {
  const env = useSuiteEnv('local-examples');
  beforeAll(async () => installCrds(env()));

  it('holds the large model', () => expect(files).toContain('large-model.yaml'));

  it.each(files)('%s is accepted by the API server', async (file) => {
    const out = await env().kubectl('apply', '--dry-run=server', '-f', join(dir, file));
    expect(out).toMatch(/(specialist|agenttask)\.slm\.dev\/\S+ created \(server dry run\)/);
  });

  it("README's large-model example is accepted by the API server", async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Large models beside specialists'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml, 'no yaml block in the section').toBeDefined();
    // Applied in the suite's namespace: every field is checked, unknown ones refused (kubectl's strict validation).
    const applied = await env()
      .apply(yaml!)
      .catch((e: Error) => e.message);
    expect(applied).toMatch(/specialist\.slm\.dev\/large-model (created|configured|unchanged)/);
    expect(applied).toMatch(/agenttask\.slm\.dev\/extract-invoice (created|configured|unchanged)/);
  });
});
