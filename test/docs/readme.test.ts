// The README's main job, served without the demo and called, run as written: only the ports
// are the test's own (the block sets HTTP= and GRPC= for that), and no REDIS_URL is given, so
// local mode starts a Redis of its own as on a fresh machine.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '@slm-fleet/service';
import { docBlock, eventually, repoRoot, runDocScript, shellEnvOf, useSuiteEnv, withValues } from '@slm-fleet/testing';

describe('README: ./scripts/start --no-demo, then a call', () => {
  it('serves the example tasks with local mode and answers the curl', async () => {
    // scripts/start runs npm ci when node_modules was not installed from this lockfile: that
    // would reinstall it under every suite running now. Say so instead.
    const lock = createHash('sha256')
      .update(await readFile(join(repoRoot, 'package-lock.json')))
      .digest('hex');
    const installed = await readFile(join(repoRoot, 'node_modules', '.slm-fleet-lock.sha'), 'utf8').catch(() => '');
    expect(installed.trim(), 'node_modules is not from package-lock.json: run npm ci, then the tests').toBe(lock);
    const [http, grpc] = [await freePort(), await freePort()];
    const env = { ...process.env };
    // As a user runs it: not CI (scripts/start would reinstall), no Redis given.
    delete env['CI'];
    delete env['REDIS_URL'];
    const script = withValues(await docBlock('README.md', 'local-serve'), { HTTP: String(http), GRPC: String(grpc) });
    const output = await runDocScript(script, env);
    const line = output.split('\n').find((l) => l.startsWith('{"id"')) ?? `no answer in:\n${output}`;
    const answer = JSON.parse(line) as {
      model: string;
      choices: { message: { content: string } }[];
    };
    expect(answer.model).toBe('extract-invoice');
    expect(JSON.parse(answer.choices[0]?.message.content ?? '')).toMatchObject({
      invoiceNumber: expect.any(String),
      total: expect.any(Number),
    });
    // Its SIGTERM stops local mode and everything it started.
    await eventually(async () =>
      expect((await fetch(`http://127.0.0.1:${http}/healthz`).catch(() => undefined))?.ok).not.toBe(true),
    );
  });
});

describe('README: autoscaling on the local platform', () => {
  const env = useSuiteEnv('readme-autoscaling');

  it('scales tool-selector to 4 for 16 queued calls, and says why', async () => {
    const [http, grpc, operator] = [await freePort(), await freePort(), await freePort()];
    const script = withValues(await docBlock('README.md', 'autoscaling'), {
      NS: env().namespace,
      HTTP: String(http),
      GRPC: String(grpc),
      OPERATOR: String(operator),
    });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/tool-selector\s+\S+\s+4\s/);
    expect(output).toMatch(/Scaled\s+specialist\/tool-selector\s+scaled from 1 to 4: backlog 16 calls/);
    expect(output).toMatch(/^slm_fleet_operator_autoscaler_desired_replicas\{specialist="[^"]+\/tool-selector"\} 4$/m);
  });
});

describe('README: declaring Specialists (the operator)', () => {
  const env = useSuiteEnv('readme-operator');

  it('reconciles the example to Ready, follows kubectl scale, and reports leading', async () => {
    const script = withValues(await docBlock('README.md', 'operator'), {
      NS: env().namespace,
      OPERATOR: String(await freePort()),
    });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/specialist\.slm\.dev\/invoice-extractor\s+1\s+1\s+1\s+vllm\s+(\d+\s+)?AllReplicasReady/);
    expect(output).toMatch(/FIELD: minReplicas/);
    expect(output).toMatch(
      /Normal\s+Created\s+.*created Deployment, Service, PodDisruptionBudget, NetworkPolicy invoice-extractor/,
    );
    expect(output).toMatch(/^slm_fleet_operator_leader 1$/m);
  });
});

describe('README: calling tasks (router, worker, engine simulator)', () => {
  const env = useSuiteEnv('readme-calling');

  it('lists the services, answers the gRPC call and the OpenAI-compatible one', async () => {
    const [sim, worker, http, grpc] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const script = withValues(await docBlock('README.md', 'calling-tasks'), {
      NS: env().namespace,
      SIM: String(sim),
      WORKER: String(worker),
      HTTP: String(http),
      GRPC: String(grpc),
    });
    const output = await runDocScript(script, shellEnvOf(env()));
    expect(output).toMatch(/^slm\.v1\.AgentRouter$/m);
    expect(output).toMatch(/"specialist": "[^"]+\/invoice-extractor"/);
    const line = output.split('\n').find((l) => l.startsWith('{"id"')) ?? `no answer in:\n${output}`;
    expect((JSON.parse(line) as { model: string }).model).toBe('extract-invoice');
  });
});
