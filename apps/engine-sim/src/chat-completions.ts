import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type AnswerPlan, type ChatRequest, parseChatRequest, planAnswer } from '@slm-fleet/simulator';
import { Generation } from './generation.js';
import { readBody, sendError } from './http-io.js';
import type { SimulatedEngine } from './simulated-engine.js';

/** POST /v1/chat/completions: validate, draw a fault, then queue the generation for the batch. */
export function chatCompletions(engine: SimulatedEngine, req: IncomingMessage, res: ServerResponse): void {
  engine.counters.requests++;
  const record = engine.requests.arrive(Date.now());
  // 'close' follows every end: answered (after 'finish'), refused, cut, or the client gone.
  res.once('close', () => engine.requests.finish(record, res.headersSent ? res.statusCode : undefined));
  readBody(req, res, (body) => {
    if (body === undefined) return; // the client left, or the body was refused
    let request: ChatRequest;
    let plan: AnswerPlan;
    try {
      if (!engine.isReady()) throw new ApiError(503, 'the simulated model is still loading (slow start)');
      const json = parseJson(body);
      if (isRecord(json) && typeof json.model === 'string') engine.requests.model(record, json.model);
      request = parseChatRequest(json, engine.servedModels);
      plan = planAnswer(request, engine.outputTokens);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      engine.counters.errors++;
      sendError(res, error);
      return;
    }
    // Faults hit valid requests only, so the draws follow the valid requests in order.
    const { fault, offSchema, lowConfidence } = engine.drawFaults();
    if (fault === 'error') {
      engine.counters.errors++;
      sendError(res, new ApiError(500, 'simulated engine failure (engine-sim error fault)'));
      return;
    }
    if (fault === 'rate-limit') {
      rateLimited(engine, res);
      return;
    }
    // A worse answer, planned again: the first plan validated the request.
    if ((offSchema || lowConfidence) && engine.profile !== 'large-model') {
      plan = planAnswer(request, engine.outputTokens, { offSchema, lowConfidence });
      if (plan.offSchema) engine.counters.offSchema++;
      if (plan.lowConfidence) engine.counters.lowConfidence++;
    }
    if (fault === 'hang') engine.counters.hung++;
    // The name asked for, an adapter's included, as vLLM answers.
    const meta = { id: engine.nextId(), created: Math.floor(Date.now() / 1000), model: request.model };
    engine.submit(new Generation(engine, res, request, plan, meta, fault === 'hang'));
  });
}

/** The rate-limit fault: 429 in OpenAI's shape, with the Retry-After of the switches. */
function rateLimited(engine: SimulatedEngine, res: ServerResponse): void {
  const seconds = engine.switches.retryAfterSeconds;
  engine.counters.errors++;
  engine.counters.rateLimited++;
  res.setHeader('retry-after', String(seconds));
  const message = `Rate limit reached for requests (engine-sim rate-limit fault). Please try again in ${seconds}s.`;
  sendError(res, new ApiError(429, message, null, 'rate_limit_exceeded', 'requests'));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ApiError(400, 'We could not parse the JSON body of your request.', null, 'invalid_json');
  }
}
