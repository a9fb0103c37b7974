// Tool calling with @slm-fleet/client against the real data plane: the router, a worker and
// the engine simulator as processes (the simulator calls tools deterministically: a named or
// required tool_choice makes one call with arguments that satisfy the tool's schema; auto
// calls the tools the user's turn mentions, and answers in text after a tool result; see
// docs/simulator.md).
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SlmFleetClient,
  parseToolArguments,
  type ChatMessage,
  type InvokeStreamChunk,
  type Tool,
  type ToolCallDelta,
} from '@slm-fleet/client';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  ORDER_ID_PARAMETERS,
  ordersTask,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';
import { failureOf } from './fleet-helpers.js';

const refundArguments = {
  type: 'object',
  properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
  required: ['order_id', 'amount'],
};
const TOOLS: Tool[] = [
  { name: 'lookup_order', description: 'Find an order by id', parameters: ORDER_ID_PARAMETERS },
  // Schemas go as objects or as JSON text.
  { name: 'refund', description: 'Refund an order', parameters: JSON.stringify(refundArguments) },
  { name: 'escalate', description: 'Hand the ticket to a person' },
];
const SCHEMAS: Record<string, object> = { lookup_order: ORDER_ID_PARAMETERS, refund: refundArguments, escalate: {} };

const ajv = new Ajv();
/** Whether a call's arguments are a JSON object that satisfies its tool's schema. */
const satisfiesSchema = (name: string, args: string): boolean =>
  ajv.validate(SCHEMAS[name] ?? false, parseToolArguments({ id: '', name, arguments: args }));

describe('tool calls with the client against the real router', () => {
  const env = useSuiteEnv('client-tools');
  const processes: FleetProcess[] = [];
  let client: SlmFleetClient;

  beforeAll(async () => {
    await installCrds(env());
    await env().apply(simSpecialist('support-agent', ['support', 'orders']));
    await env().apply(ordersTask('support-agent'));
    // 5 ms a token: a tool call's arguments mostly reach the client in several pieces.
    const simulator = await startSimulator({ tpot: '5ms', outputTokens: 12 });
    processes.push(simulator, await startWorker(env(), 'support-agent', simulator));
    const router = await startRouter(env());
    processes.push(router);
    client = new SlmFleetClient({ target: `dns:///localhost:${router.grpcPort}`, defaultTimeoutMs: 20_000 });
  });

  afterAll(async () => {
    client?.close();
    for (const p of processes.reverse()) await stopFleet(p);
  });

  it('calls the tool toolChoice names, with JSON arguments that satisfy its schema', async () => {
    const result = await client.invoke('support', {
      prompt: 'I want my money back for order 42',
      tools: TOOLS,
      toolChoice: { name: 'refund' },
    });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toHaveLength(1);
    const [call] = result.toolCalls;
    expect(call).toEqual({ id: expect.stringMatching(/\S/), name: 'refund', arguments: expect.any(String) });
    expect(satisfiesSchema('refund', call!.arguments)).toBe(true);
    const args = parseToolArguments<{ order_id: string; amount: number }>(call!);
    expect(typeof args.amount).toBe('number');
  });

  it('calls some tool when required, and none when toolChoice is none', async () => {
    const required = await client.invoke('support', { prompt: 'Help me', tools: TOOLS, toolChoice: 'required' });
    expect(required.toolCalls).toHaveLength(1);
    const [call] = required.toolCalls;
    expect(TOOLS.map((t) => t.name)).toContain(call!.name);
    expect(satisfiesSchema(call!.name, call!.arguments)).toBe(true);

    const none = await client.invoke('support', { prompt: 'Help me', tools: TOOLS, toolChoice: 'none' });
    expect(none.toolCalls).toEqual([]);
    expect(none.output.length).toBeGreaterThan(0);
    expect(none.finishReason).not.toBe('tool_calls');
  });

  it('runs a two-turn tool loop: a tool call, then an answer in text after its result', async () => {
    const messages: ChatMessage[] = [
      { role: 'developer', content: 'You help with orders.' },
      { role: 'user', content: 'Where is order 42? Please lookup order.' },
    ];
    const first = await client.invoke('support', { messages, tools: TOOLS, toolChoice: 'auto' });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls.map((c) => c.name)).toEqual(['lookup_order']);

    messages.push({ role: 'assistant', content: first.output, toolCalls: first.toolCalls });
    for (const call of first.toolCalls) {
      const { order_id } = parseToolArguments<{ order_id: string }>(call);
      messages.push({ role: 'tool', toolCallId: call.id, content: JSON.stringify({ order_id, status: 'shipped' }) });
    }
    const second = await client.invoke('support', { messages, tools: TOOLS, toolChoice: 'auto' });
    expect(second.toolCalls).toEqual([]);
    expect(second.finishReason).not.toBe('tool_calls');
    expect(second.output.length).toBeGreaterThan(0);
  });

  it('streams tool call pieces whose arguments join to the result: id and name on the first', async () => {
    const chunks: InvokeStreamChunk[] = [];
    for await (const chunk of client.invokeStream('support', {
      prompt: 'Refund order 3',
      tools: TOOLS,
      toolChoice: { name: 'refund' },
    })) {
      chunks.push(chunk);
    }
    const done = chunks.at(-1);
    if (done?.type !== 'done') throw new Error(`the stream ended with ${done?.type}`);
    expect(chunks.filter((c) => c.type === 'done')).toHaveLength(1);
    const pieces = chunks.filter((c): c is ToolCallDelta => c.type === 'toolCall');
    expect(pieces.length).toBeGreaterThanOrEqual(1);
    expect(pieces.every((p) => p.index === 0)).toBe(true);
    const [call] = done.result.toolCalls;
    expect(pieces[0]).toMatchObject({ index: 0, id: call!.id, name: 'refund' });
    for (const later of pieces.slice(1)) {
      expect(later).not.toHaveProperty('id');
      expect(later).not.toHaveProperty('name');
    }
    expect(pieces.map((p) => p.arguments).join('')).toBe(call!.arguments);
    expect(satisfiesSchema('refund', call!.arguments)).toBe(true);
    expect(done.result.finishReason).toBe('tool_calls');
  });

  it("lists a task's tool set, which calls can offer back as is", async () => {
    const orders = (await client.listTasks()).find((t) => t.name === 'orders');
    expect(orders?.tools).toEqual([
      { name: 'lookup_order', description: 'Find an order by id', parameters: ORDER_ID_PARAMETERS, strict: undefined },
    ]);
    const result = await client.invoke('orders', {
      prompt: 'Find order 1',
      tools: orders!.tools,
      toolChoice: 'required',
    });
    expect(result.toolCalls.map((c) => c.name)).toEqual(['lookup_order']);
    expect(satisfiesSchema('lookup_order', result.toolCalls[0]!.arguments)).toBe(true);
  });

  it('returns logprobs per output token when asked', async () => {
    const result = await client.invoke('support', {
      prompt: 'Say something',
      parameters: { logprobs: true, topLogprobs: 2, maxTokens: 6 },
    });
    expect(result.logprobs).toHaveLength(result.usage.completionTokens);
    expect(result.logprobs.map((t) => t.token).join('')).toBe(result.output);
    for (const token of result.logprobs) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.topLogprobs).toHaveLength(2);
    }
    expect((await client.invoke('support', { prompt: 'Say something' })).logprobs).toEqual([]);
  });

  it('fails a tool the router refuses with INVALID_ARGUMENT naming the field, without retrying', async () => {
    const badSchema = await failureOf(
      client.invoke('support', { prompt: 'x', tools: [{ name: 'refund', parameters: '{"type": 7}' }] }),
    );
    expect(badSchema).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false, attempts: 1 });
    expect(badSchema.details).toContain('tools[0].parameters');
    const offTheSet = await failureOf(
      client.invoke('orders', { prompt: 'Refund order 1', tools: [TOOLS[1]!], toolChoice: 'required' }),
    );
    expect(offTheSet).toMatchObject({ code: 'INVALID_ARGUMENT', retryable: false });
  });
});
