import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type AnswerPlan, type ChatRequest, parseChatRequest, planAnswer } from '@slm-fleet/simulator';
import { Generation } from './generation.js';
import { readBody, sendError } from './http-io.js';
import type { SimulatedEngine } from './simulated-engine.js';

/** POST /v1/chat/completions: validate, draw a fault, then queue the generation for the batch. */
export function chatCompletions(engine: SimulatedEngine, req: IncomingMessage, res: ServerResponse): void {
  engine.counters.requests++;
  readBody(req, res, (body) => {
    if (body === undefined) return; // the client left, or the body was refused
    let request: ChatRequest;
    let plan: AnswerPlan;
    try {
      if (!engine.isReady()) throw new ApiError(503, 'the simulated model is still loading (slow start)');
      request = parseChatRequest(parseJson(body), engine.model);
      plan = planAnswer(request, engine.outputTokens);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      engine.counters.errors++;
      sendError(res, error);
      return;
    }
    // Faults hit valid requests only, so the draws follow the valid requests in order.
    const fault = engine.drawFault();
    if (fault === 'error') {
      engine.counters.errors++;
      sendError(res, new ApiError(500, 'simulated engine failure (engine-sim error fault)'));
      return;
    }
    if (fault === 'hang') engine.counters.hung++;
    const meta = { id: engine.nextId(), created: Math.floor(Date.now() / 1000), model: engine.model };
    engine.submit(new Generation(engine, res, request, plan, meta, fault === 'hang'));
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ApiError(400, 'We could not parse the JSON body of your request.', null, 'invalid_json');
  }
}
