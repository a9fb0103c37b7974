// Every example a reader might apply is accepted by the API server (server-side dry run).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installCrds, repoRoot, useSuiteEnv } from '@slm-fleet/testing';

const dir = join(repoRoot, 'examples', 'specialists');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('examples/specialists', () => {
  const env = useSuiteEnv('examples');
  beforeAll(async () => installCrds(env()));

  it.each(files)('%s is accepted by the API server', async (file) => {
    const out = await env().kubectl('apply', '--dry-run=server', '-f', join(dir, file));
    expect(out).toMatch(/(specialist|agenttask)\.slm\.dev\/\S+ created \(server dry run\)/);
  });
});
