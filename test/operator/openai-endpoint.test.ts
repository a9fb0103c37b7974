// engine.kind openai, run by the real operator against the real API server: the Specialist gets a
// Deployment of workers alone, with the API key by Secret reference, and its status says what the
// operator's probe of GET {engine.url}/models (a real HTTP server on loopback) answered. The key
// is in no status, Event or operator log.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, installCrds, spawnCli, useSuiteEnv, type CliProcess } from '@slm-fleet/testing';
import {
  startOperator,
  stopOperator,
  waitForReadyReason,
  writeOperatorConfig,
  type OperatorProcess,
} from './operator-process.js';

const KEY = 'sk-right-Zq3v8Hn2Lr5Tw9Yb';
const WRONG_KEY = 'sk-wrong-Pk7Xc1Mf4Jd6Gs0A';

/** An OpenAI-shaped /v1/models that wants KEY and, like real providers, echoes a wrong key in its 401. */
function modelsServer(state: { down: boolean; seen: string[] }): Server {
  return createServer((request, response) => {
    const auth = request.headers.authorization ?? '';
    state.seen.push(auth);
    if (state.down) return void response.writeHead(503).end();
    if (request.method !== 'GET' || request.url !== '/v1/models') return void response.writeHead(404).end();
    if (auth !== `Bearer ${KEY}`) {
      const error = { message: `Incorrect API key provided: ${auth.slice(7)}`, code: 'invalid_api_key' };
      return void response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    }
    const data = [{ id: 'big-model', object: 'model' }];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data }));
  });
}

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

const specialist = (name: string, url: string, secret: string, model = 'big-model') => `
apiVersion: slm.dev/v1alpha1
kind: Specialist
metadata: {name: ${name}}
spec:
  model: {uri: ${model}}
  engine:
    kind: openai
    url: "${url}"
    secretRef: {name: ${secret}}
    maxConcurrency: 4
    limits: {requestsPerMinute: 60}
  tasks: [summarize]
`;

interface Deployment {
  spec: {
    replicas: number;
    template: {
      spec: {
        containers: {
          name: string;
          args: string[];
          env: { name: string; value?: string; valueFrom?: unknown }[];
          resources?: unknown;
        }[];
      };
    };
  };
}

describe('engine.kind openai: workers, and the probe of the endpoint', () => {
  const env = useSuiteEnv('openai-endpoint');
  const state = { down: false, seen: [] as string[] };
  const server = modelsServer(state);
  let url = '';
  let operator: OperatorProcess | undefined;
  const condition = async (name: string, type: string) =>
    JSON.parse(
      (await env().kubectl('get', 'specialist', name, '-o', `jsonpath={.status.conditions[?(@.type=="${type}")]}`)) ||
        '{}',
    ) as { status?: string; reason?: string; message?: string };

  beforeAll(async () => {
    await installCrds(env());
    url = `http://127.0.0.1:${await listen(server)}/v1`;
    for (const [name, value] of [
      ['llm-key', KEY],
      ['wrong-key', WRONG_KEY],
    ] as const) {
      await env().kubectl('create', 'secret', 'generic', name, `--from-literal=apiKey=${value}`);
    }
    operator = await startOperator(env(), await writeOperatorConfig(env(), {}));
  });
  afterAll(async () => {
    await stopOperator(operator);
    server.close();
  });

  it("is Ready against slm-fleet's engine simulator holding the key, Unauthorized with another", async () => {
    let sim: CliProcess | undefined;
    try {
      sim = await spawnCli(
        'engine-sim',
        ['engine-sim', '--host', '127.0.0.1', '--http-port', '0', '--model', 'big-model', '--api-key-env', 'SIM_KEY'],
        { ...process.env, SIM_KEY: KEY },
      );
      const simUrl = `http://127.0.0.1:${sim.port}/v1`;
      await env().apply(specialist('sim', simUrl, 'llm-key'));
      await env().apply(specialist('sim-wrong', simUrl, 'wrong-key'));
      await waitForReadyReason(env(), 'sim', 'EndpointReady');
      await waitForReadyReason(env(), 'sim-wrong', 'Unauthorized');
      await env().kubectl('delete', 'specialist', 'sim', 'sim-wrong');
    } finally {
      await sim?.stop(5_000);
    }
  });

  it('runs a worker Deployment with the key by reference only, and is Ready once the endpoint lists the model', async () => {
    await env().apply(specialist('large', url, 'llm-key'));
    await waitForReadyReason(env(), 'large', 'EndpointReady');
    expect((await condition('large', 'Ready')).message).toBe(`${url} serves big-model; 1/1 workers ready`);
    expect(state.seen).toContain(`Bearer ${KEY}`);

    const raw = await env().kubectl('get', 'deployment', 'large', '-o', 'json');
    const deployment = JSON.parse(raw) as Deployment;
    const containers = deployment.spec.template.spec.containers;
    expect(containers.map((c) => c.name)).toEqual(['worker']);
    const [worker] = containers;
    expect(worker?.env).toContainEqual({
      name: 'SLM_FLEET_ENGINE_API_KEY',
      valueFrom: { secretKeyRef: { name: 'llm-key', key: 'apiKey' } },
    });
    expect(worker?.env).toContainEqual({ name: 'SLM_FLEET_MODEL', value: 'big-model' });
    expect(worker?.env).toContainEqual({ name: 'SLM_FLEET_ENGINE_URL', value: url });
    expect(worker?.args).toEqual(
      expect.arrayContaining(['--endpoint-concurrency', '4', '--requests-per-minute', '60']),
    );
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain('nvidia.com/gpu');
    expect(await env().kubectl('get', 'service', 'large', '-o', 'jsonpath={.spec.ports[*].name}')).toBe('http-worker');
  });

  it('is Degraded/Unauthorized with a wrong key, and neither key is in status, Events or the operator log', async () => {
    await env().apply(specialist('wrong', url, 'wrong-key'));
    await waitForReadyReason(env(), 'wrong', 'Unauthorized');
    expect(await condition('wrong', 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'Unauthorized',
      message: `GET ${url}/models answered 401: it refuses the API key in Secret wrong-key, key apiKey`,
    });
    expect(state.seen).toContain(`Bearer ${WRONG_KEY}`);
    const events = await env().kubectl('get', 'events', '-o', 'json');
    expect(events).toMatch(/"reason": "Unauthorized"/);
    const statuses = await env().kubectl('get', 'specialists', '-o', 'json');
    for (const [where, text] of [
      ['events', events],
      ['status', statuses],
      ['operator log', operator?.logs.join('\n') ?? ''],
    ] as const) {
      expect(text, where).not.toContain(KEY);
      expect(text, where).not.toContain(WRONG_KEY);
    }
  });

  it('probes again at once when the spec changes: the right Secret makes it Ready', async () => {
    await env().apply(specialist('wrong', url, 'llm-key'));
    await waitForReadyReason(env(), 'wrong', 'EndpointReady');
    expect((await condition('wrong', 'Degraded')).status).toBe('False');
  });

  it('is Degraded/EndpointUnreachable for a closed port, and ModelNotFound for a model the endpoint lacks', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await env().apply(specialist('unreachable', `http://127.0.0.1:${port}/v1`, 'llm-key'));
    await env().apply(specialist('no-model', url, 'llm-key', 'other-model'));
    await waitForReadyReason(env(), 'unreachable', 'EndpointUnreachable');
    expect((await condition('unreachable', 'Degraded')).message).toMatch(/models failed: .*ECONNREFUSED/);
    await waitForReadyReason(env(), 'no-model', 'ModelNotFound');
    expect((await condition('no-model', 'Ready')).message).toMatch(/does not serve other-model \(it lists big-model\)/);
  });

  it('probes again every 30 s without a change: an endpoint that goes down becomes Degraded, then Ready again', async () => {
    state.down = true;
    await eventually(async () => expect((await condition('large', 'Degraded')).reason).toBe('EndpointUnreachable'), {
      timeoutMs: 90_000,
    });
    expect((await condition('large', 'Ready')).message).toBe(`GET ${url}/models answered 503`);
    state.down = false;
    await eventually(async () => expect((await condition('large', 'Ready')).reason).toBe('EndpointReady'), {
      timeoutMs: 90_000,
    });
  });
});
