// Tool calls between the client and a scripted AgentRouter served by grpc-js in this process:
// exactly what the client puts on the wire for tools, tool choices and a tool loop's messages,
// and how it reads tool calls, logprobs and streamed tool call pieces back (in order, with
// text deltas that share a chunk).
import { Server, ServerCredentials, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlmFleetClient, type InvokeStreamChunk } from '@slm-fleet/client';
import { AgentRouterService, type InvokeChunk, type InvokeRequest, type InvokeResponse } from '@slm-fleet/proto';

const CALL = { id: 'call_a', name: 'lookup_order', arguments: '{"order_id":"42"}' };
const response: InvokeResponse = {
  output: 'Let me look.',
  finishReason: 'tool_calls',
  callId: 'job-1',
  toolCalls: [CALL, { id: 'call_b', name: 'escalate', arguments: '{}' }],
  logprobs: [{ token: 'Let', logprob: -0.25, topLogprobs: [{ token: 'Let', logprob: -0.25 }] }],
};
/** What the scripted router streams: text and a tool call's first piece may share a chunk. */
const CHUNKS: InvokeChunk[] = [
  { delta: 'Let me ', toolCalls: [] },
  { delta: 'look.', toolCalls: [{ index: 0, id: 'call_a', name: 'lookup_order', arguments: '' }] },
  { delta: '', toolCalls: [{ index: 0, id: '', name: '', arguments: '{"order_id":' }] },
  {
    delta: '',
    toolCalls: [
      { index: 0, id: '', name: '', arguments: '"42"}' },
      { index: 1, id: 'call_b', name: 'escalate', arguments: '{}' },
    ],
  },
  { delta: '', done: response, toolCalls: [] },
];

describe('tool calls between the client and a scripted router', () => {
  const server = new Server();
  const seen: InvokeRequest[] = [];
  let client: SlmFleetClient;

  beforeAll(async () => {
    server.addService(AgentRouterService, {
      invoke(call: ServerUnaryCall<InvokeRequest, InvokeResponse>, done: (e: null, r: InvokeResponse) => void) {
        seen.push(call.request);
        done(null, response);
      },
      invokeStream(call: ServerWritableStream<InvokeRequest, InvokeChunk>) {
        seen.push(call.request);
        for (const chunk of CHUNKS) call.write(chunk);
        call.end();
      },
      listTasks: () => undefined,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    client = new SlmFleetClient({ target: `127.0.0.1:${port}`, retry: { maxAttempts: 1 } });
  });
  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  it('sends tools, the tool choice and a tool loop, and reads back tool calls and logprobs', async () => {
    seen.length = 0;
    const schema = { type: 'object', properties: { order_id: { type: 'string' } } };
    const result = await client.invoke('support', {
      messages: [
        { role: 'developer', content: 'You help with orders.' },
        { role: 'user', content: 'Where is order 42?' },
        { role: 'assistant', content: '', toolCalls: [CALL] },
        { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_a', name: 'lookup_order' },
      ],
      tools: [{ name: 'lookup_order', description: 'Find an order', parameters: schema, strict: true }],
      toolChoice: { name: 'lookup_order' },
      parallelToolCalls: false,
      parameters: { logprobs: true, topLogprobs: 1, frequencyPenalty: 0.5, presencePenalty: 0 },
    });
    const [request] = seen;
    expect(
      request?.messages.map(({ role, content, toolCalls, toolCallId, name }) => ({
        role,
        content,
        toolCalls,
        toolCallId,
        name,
      })),
    ).toEqual([
      { role: 'developer', content: 'You help with orders.', toolCalls: [], toolCallId: '', name: '' },
      { role: 'user', content: 'Where is order 42?', toolCalls: [], toolCallId: '', name: '' },
      { role: 'assistant', content: '', toolCalls: [CALL], toolCallId: '', name: '' },
      { role: 'tool', content: '{"status":"shipped"}', toolCalls: [], toolCallId: 'call_a', name: 'lookup_order' },
    ]);
    expect(request?.tools).toEqual([
      { name: 'lookup_order', description: 'Find an order', parameters: JSON.stringify(schema), strict: true },
    ]);
    expect(request?.toolChoice).toEqual({ function: 'lookup_order' });
    expect(request?.parallelToolCalls).toBe(false);
    expect(request?.parameters).toMatchObject({
      logprobs: true,
      topLogprobs: 1,
      frequencyPenalty: 0.5,
      presencePenalty: 0,
    });

    expect(result.toolCalls).toEqual(response.toolCalls);
    expect(result.logprobs).toEqual(response.logprobs);
    expect(result.finishReason).toBe('tool_calls');
  });

  it('sends a tool choice mode as the mode', async () => {
    seen.length = 0;
    await client.invoke('support', { prompt: 'x', tools: [{ name: 'escalate' }], toolChoice: 'required' });
    expect(seen[0]?.toolChoice).toEqual({ mode: 'required' });
    expect(seen[0]?.tools).toEqual([{ name: 'escalate', description: '', parameters: '' }]);
  });

  it('streams text deltas and tool call pieces in order, text first within a chunk, then the result', async () => {
    const chunks: InvokeStreamChunk[] = [];
    for await (const chunk of client.invokeStream('support', { prompt: 'x', tools: [{ name: 'lookup_order' }] })) {
      chunks.push(chunk);
    }
    expect(chunks).toEqual([
      { type: 'delta', text: 'Let me ' },
      { type: 'delta', text: 'look.' },
      { type: 'toolCall', index: 0, id: 'call_a', name: 'lookup_order', arguments: '' },
      { type: 'toolCall', index: 0, arguments: '{"order_id":' },
      { type: 'toolCall', index: 0, arguments: '"42"}' },
      { type: 'toolCall', index: 1, id: 'call_b', name: 'escalate', arguments: '{}' },
      { type: 'done', result: expect.objectContaining({ toolCalls: response.toolCalls, output: 'Let me look.' }) },
    ]);
  });
});
