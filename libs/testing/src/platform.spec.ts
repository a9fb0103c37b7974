import { describe, expect, it } from 'vitest';
import { parseEnvExports } from './platform.js';

describe('parseEnvExports', () => {
  it('reads the exports of scripts/platform env, expanding $PATH', () => {
    const env = parseEnvExports(
      'export REDIS_URL=redis://127.0.0.1:7000\nexport KUBECONFIG=/run/kubeconfig\nexport PATH=/cache/k8s/bin:$PATH\n',
    );
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:7000');
    expect(env.KUBECONFIG).toBe('/run/kubeconfig');
    expect(env.PATH).toBe(`/cache/k8s/bin:${process.env['PATH']}`);
  });

  it('names the export that is missing', () => {
    expect(() => parseEnvExports('export REDIS_URL=redis://127.0.0.1:7000\n')).toThrow(
      'scripts/platform env did not export KUBECONFIG',
    );
  });
});
