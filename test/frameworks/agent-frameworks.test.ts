// Agents written with the frameworks agent developers use run their tool loops against
// slm-fleet unchanged but for the base URL: the Vercel AI SDK over chat completions, and the
// OpenAI Agents SDK over the Responses API (its default). Real router, worker and the engine
// simulator, which calls a tool on the user's turn and answers in text after a tool result.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { Agent, OpenAIProvider, Runner, tool as agentTool } from '@openai/agents';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installCrds, useSuiteEnv } from '@slm-fleet/testing';
import {
  simSpecialist,
  startRouter,
  startSimulator,
  startWorker,
  stopFleet,
  type FleetProcess,
} from '../data-plane/fleet.js';

describe('agent frameworks against slm-fleet', () => {
  const env = useSuiteEnv('agent-frameworks');
  const processes: FleetProcess[] = [];
  let baseURL: string;

  beforeAll(async () => {
    // The Agents SDK exports traces to OpenAI by default; nothing here may leave the machine.
    process.env.OPENAI_AGENTS_DISABLE_TRACING = '1';
    await installCrds(env());
    await env().apply(simSpecialist('support-agent', ['support', 'invoice']));
    const engine = await startSimulator({ tpot: '1ms', outputTokens: 12 });
    processes.push(engine, await startWorker(env(), 'support-agent', engine));
    const router = await startRouter(env());
    processes.push(router);
    baseURL = `http://127.0.0.1:${router.port}/v1`;
  });

  afterAll(async () => {
    for (const p of processes.reverse()) await stopFleet(p);
  });

  /** Tools that record their calls, so a test sees the loop really ran them. */
  const supportTools = (calls: string[]) => ({
    lookup_order: tool({
      description: 'Find an order by id',
      inputSchema: z.object({ order_id: z.string() }),
      execute: async ({ order_id }) => (calls.push(`lookup_order:${order_id}`), { status: 'shipped' }),
    }),
    escalate: tool({
      description: 'Hand the ticket to a person',
      inputSchema: z.object({ reason: z.string() }),
      execute: async () => (calls.push('escalate'), { ticket: 'T-1' }),
    }),
  });

  describe('Vercel AI SDK (@ai-sdk/openai-compatible)', () => {
    const fleet = () =>
      createOpenAICompatible({ name: 'slm-fleet', baseURL, apiKey: 'unused', supportsStructuredOutputs: true });

    it('generateText runs a tool loop over several steps to a text answer', async () => {
      const calls: string[] = [];
      const result = await generateText({
        model: fleet()('support'),
        tools: supportTools(calls),
        stopWhen: stepCountIs(4),
        prompt: 'Where is my order? Please lookup order 42.',
      });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/^lookup_order:/);
      expect(result.steps.length).toBe(2);
      expect(result.steps[0]?.finishReason).toBe('tool-calls');
      expect(result.finishReason).not.toBe('tool-calls');
      expect(result.text.length).toBeGreaterThan(0);
    });

    it('streamText streams the tool call, runs it, and streams the answer', async () => {
      const calls: string[] = [];
      const result = streamText({
        model: fleet()('support'),
        tools: supportTools(calls),
        stopWhen: stepCountIs(4),
        prompt: 'Something is wrong, please escalate.',
      });
      const parts: string[] = [];
      for await (const part of result.fullStream) parts.push(part.type);
      expect(parts).toContain('tool-input-delta');
      expect(parts).toContain('tool-call');
      expect(parts).toContain('tool-result');
      expect(parts).toContain('text-delta');
      expect(calls).toHaveLength(1);
      expect((await result.text).length).toBeGreaterThan(0);
    });

    it('generateObject returns an object that satisfies its zod schema', async () => {
      const schema = z.object({ invoice: z.string(), total: z.number(), currency: z.enum(['EUR', 'USD']) });
      const { object } = await generateObject({ model: fleet()('invoice'), schema, prompt: 'Invoice 7: 12 EUR' });
      expect(schema.safeParse(object).success).toBe(true);
    });
  });

  describe('OpenAI Agents SDK (Responses API)', () => {
    it('runs a two-tool agent to completion', async () => {
      const calls: string[] = [];
      const runner = new Runner({
        modelProvider: new OpenAIProvider({ baseURL, apiKey: 'unused', useResponses: true }),
        tracingDisabled: true,
      });
      const agent = new Agent({
        name: 'support',
        model: 'support',
        instructions: 'You answer questions about orders.',
        tools: [
          agentTool({
            name: 'lookup_order',
            description: 'Find an order by id',
            parameters: z.object({ order_id: z.string() }),
            execute: async ({ order_id }) => (calls.push(`lookup_order:${order_id}`), 'shipped'),
          }),
          agentTool({
            name: 'escalate',
            description: 'Hand the ticket to a person',
            parameters: z.object({ reason: z.string() }),
            execute: async () => (calls.push('escalate'), 'ticket T-1'),
          }),
        ],
      });
      const result = await runner.run(agent, 'Please lookup order 42 for me.');
      expect(calls).toEqual([expect.stringMatching(/^lookup_order:/)]);
      expect(typeof result.finalOutput).toBe('string');
      expect((result.finalOutput as string).length).toBeGreaterThan(0);
    });
  });
});
