// A server with addStandardServices, seen through the real grpcurl (reflection, health) and the
// generated client: what an operator debugging a router, or a Kubernetes gRPC probe, relies on.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AgentRouterClient,
  AgentRouterService,
  addStandardServices,
  setServing,
  type AgentRouterServer,
  type HealthImplementation,
  type InvokeChunk,
  InvokeRequest,
  type InvokeResponse,
  type TaskInfo,
} from '@slm-fleet/proto';
import { runTool, toolPath } from '@slm-fleet/testing';

const TASK: TaskInfo = {
  name: 'summarize',
  namespace: 'demo',
  source: 'AgentTask',
  priority: 10,
  timeoutMs: 30_000,
  jsonSchema: '{"type":"object"}',
  routes: [{ specialist: 'demo/summarizer', weight: 100, ready: true }],
  tools: [],
};

// Echoes the prompt; `json` carries a google.protobuf.Value to prove it maps to plain JS values.
const echo = (request: InvokeRequest): InvokeResponse => ({
  output: `echo: ${request.prompt}`,
  json: { task: request.task, nested: [1, 'two', null, { ok: true }] },
  finishReason: 'stop',
  callId: `call-${request.idempotencyKey}`,
  toolCalls: [],
  logprobs: [],
});

const router: AgentRouterServer = {
  invoke: (call, callback) => callback(null, echo(call.request)),
  invokeStream: (call) => {
    for (const word of call.request.prompt.split(' ')) call.write({ delta: word, toolCalls: [] });
    call.write({ delta: '', done: echo(call.request), toolCalls: [] });
    call.end();
  },
  listTasks: (_call, callback) => callback(null, { tasks: [TASK] }),
};

describe('gRPC standard services (grpcurl, generated client)', () => {
  const grpcurlBin = toolPath(inject('platform'), 'grpcurl');
  const server = new grpc.Server();
  let address = '';
  let health: HealthImplementation;
  let client: AgentRouterClient;

  // grpcurl [flags] ADDRESS verb-or-method...
  const grpcurl = (flags: string[], ...rest: string[]): Promise<string> =>
    runTool(grpcurlBin, ['-plaintext', ...flags, address, ...rest]);
  const healthOf = async (service: string): Promise<string> => {
    const reply = await grpcurl(['-d', JSON.stringify({ service })], 'grpc.health.v1.Health/Check');
    return (JSON.parse(reply) as { status: string }).status;
  };

  beforeAll(async () => {
    server.addService(AgentRouterService, router);
    ({ health } = addStandardServices(server));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    address = `127.0.0.1:${port}`;
    client = new AgentRouterClient(address, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  it('lists the AgentRouter, health and both reflection versions through reflection', async () => {
    expect((await grpcurl([], 'list')).trim().split('\n')).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'slm.v1.AgentRouter',
    ]);
    expect(await grpcurl([], 'list', 'slm.v1.AgentRouter')).toBe(
      'slm.v1.AgentRouter.Invoke\nslm.v1.AgentRouter.InvokeStream\nslm.v1.AgentRouter.ListTasks\n',
    );
  });

  it('describes messages with proto3 optional fields and the imported google.protobuf.Value', async () => {
    const request = await grpcurl([], 'describe', 'slm.v1.InvokeRequest');
    expect(request).toContain('optional int32 priority = 8;');
    expect(request).toContain('.slm.v1.GenerationParameters parameters = 4;');
    expect(await grpcurl([], 'describe', 'slm.v1.InvokeResponse')).toContain('.google.protobuf.Value json = 2;');
  });

  it('calls ListTasks and Invoke from JSON without any .proto file', async () => {
    // grpcurl's JSON leaves out empty repeated fields (the task has no tools).
    const printed: Partial<TaskInfo> = { ...TASK };
    delete printed.tools;
    expect(JSON.parse(await grpcurl(['-d', '{}'], 'slm.v1.AgentRouter/ListTasks'))).toEqual({ tasks: [printed] });
    const body = JSON.stringify({ task: 'summarize', prompt: 'hello', idempotencyKey: 'k1' });
    expect(JSON.parse(await grpcurl(['-d', body], 'slm.v1.AgentRouter/Invoke'))).toEqual({
      output: 'echo: hello',
      json: { task: 'summarize', nested: [1, 'two', null, { ok: true }] },
      finishReason: 'stop',
      callId: 'call-k1',
    });
  });

  it('reports SERVING, then NOT_SERVING while draining, for the server and for slm.v1.AgentRouter', async () => {
    expect(await healthOf('')).toBe('SERVING');
    expect(await healthOf('slm.v1.AgentRouter')).toBe('SERVING');
    setServing(health, false);
    try {
      expect(await healthOf('')).toBe('NOT_SERVING');
      expect(await healthOf('slm.v1.AgentRouter')).toBe('NOT_SERVING');
    } finally {
      setServing(health, true);
    }
    expect(await healthOf('')).toBe('SERVING');
    await expect(healthOf('slm.v1.NoSuchService')).rejects.toThrow(/NotFound/);
  });

  it('makes a unary call with the generated client; google.protobuf.Value arrives as plain JS', async () => {
    const response = await new Promise<InvokeResponse>((resolve, reject) =>
      client.invoke(
        InvokeRequest.fromPartial({ task: 'summarize', prompt: 'hi', idempotencyKey: 'k2' }),
        (error, reply) => (error ? reject(error) : resolve(reply)),
      ),
    );
    expect(response).toMatchObject({ output: 'echo: hi', callId: 'call-k2' });
    expect(response.json).toEqual({ task: 'summarize', nested: [1, 'two', null, { ok: true }] });
  });

  it('streams InvokeStream with the generated client, the whole response on the last chunk', async () => {
    const chunks: InvokeChunk[] = [];
    const request = InvokeRequest.fromPartial({ task: 'summarize', prompt: 'one two three', idempotencyKey: 'k3' });
    const stream = client.invokeStream(request);
    for await (const chunk of stream) chunks.push(chunk as InvokeChunk);
    expect(chunks.map((chunk) => chunk.delta)).toEqual(['one', 'two', 'three', '']);
    expect(chunks.slice(0, -1).every((chunk) => chunk.done === undefined)).toBe(true);
    expect(chunks.at(-1)?.done).toMatchObject({ output: 'echo: one two three', callId: 'call-k3' });
  });
});
