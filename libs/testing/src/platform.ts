import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const platformScript = join(repoRoot, 'scripts', 'platform');

/** What `scripts/platform env` exports: where the platform's parts listen. */
export interface PlatformEnv {
  REDIS_URL: string;
  KUBECONFIG: string;
  PATH: string;
  REDIS_CLUSTER_NODES?: string;
}

export async function platform(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(platformScript, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`scripts/platform ${args.join(' ')} failed:\n${failed.stderr ?? failed.message}`);
  }
}

/** Parses `export NAME=value` lines; `$PATH` is expanded against this process's PATH. */
export function parseEnvExports(text: string): PlatformEnv {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [, name, value] = /^export ([A-Z_]+)=(.*)$/.exec(line.trim()) ?? [];
    if (name && value !== undefined) env[name] = value.replace('$PATH', process.env['PATH'] ?? '');
  }
  for (const required of ['REDIS_URL', 'KUBECONFIG', 'PATH']) {
    if (!env[required]) throw new Error(`scripts/platform env did not export ${required}:\n${text}`);
  }
  return env as unknown as PlatformEnv;
}

export async function platformEnv(): Promise<PlatformEnv> {
  return parseEnvExports(await platform('env'));
}

/** True when the control plane already runs (so a test run should not stop it). */
export async function platformIsUp(): Promise<boolean> {
  const status = await platform('status');
  return /^apiserver\s+running/m.test(status);
}
