import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, MAX_MODEL_LEN, modelList, parseSwitchUpdate } from '@slm-fleet/simulator';
import { bearerToken, switchAccess } from '@slm-fleet/service';
import { createHash, timingSafeEqual } from 'node:crypto';
import { chatCompletions } from './chat-completions.js';
import { readBody, sendError, sendJson } from './http-io.js';
import type { SimulatedEngine } from './simulated-engine.js';

type Route = (engine: SimulatedEngine, req: IncomingMessage, res: ServerResponse) => void;

// Keyed by path, then method: the whole API, served straight from node:http (see api-mount.ts).
const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  '/v1/chat/completions': { POST: chatCompletions },
  '/v1/models': { GET: models },
  '/health': { GET: health },
  '/sim/faults': { POST: updateSwitches },
  '/sim/stats': { GET: (engine, _req, res) => sendJson(res, 200, engine.stats()) },
};

/** The run-time switches: only a caller with the faults token, or on loopback without one, may use them. */
const SWITCH_PATHS = new Set(['/sim/faults']);

/** Who may use the switches and the API, and where a refusal is reported (without the token or key). */
export interface SwitchAccess {
  faultsToken: string | undefined;
  /** The key every /v1 request must carry as a bearer token (--api-key-env); none when undefined. */
  apiKey?: string;
  onRefused?: (refusal: { path: string; reason: string; remoteAddress: string | undefined }) => void;
}

/**
 * Serves the simulator's API. Returns false for paths that are not its own (/healthz,
 * /readyz), which the caller hands to Nest.
 */
export function serveApi(
  engine: SimulatedEngine,
  req: IncomingMessage,
  res: ServerResponse,
  access: SwitchAccess = { faultsToken: undefined },
): boolean {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const methods = ROUTES[path];
  if (methods === undefined) {
    if (!path.startsWith('/v1/') && !path.startsWith('/sim/')) return false;
    sendError(res, new ApiError(404, `no route ${req.method} ${path} in the engine simulator`, null, 'not_found'));
    return true;
  }
  if (SWITCH_PATHS.has(path) && !mayUseSwitches(path, req, res, access)) return true;
  if (access.apiKey !== undefined && path.startsWith('/v1/') && !hasApiKey(engine, path, req, res, access)) return true;
  const route = methods[req.method ?? ''];
  if (route) route(engine, req, res);
  else sendError(res, new ApiError(405, `${req.method} is not allowed on ${path}`, null, 'method_not_allowed'));
  return true;
}

/** Answers 401 (token configured, missing or wrong) or 403 (no token, not loopback) and returns false, or returns true. */
function mayUseSwitches(path: string, req: IncomingMessage, res: ServerResponse, access: SwitchAccess): boolean {
  const remoteAddress = req.socket.remoteAddress;
  const decision = switchAccess({ authorization: req.headers.authorization, remoteAddress }, access.faultsToken);
  if (decision.allowed) return true;
  access.onRefused?.({ path, reason: decision.reason, remoteAddress });
  if (decision.status === 401) {
    res.setHeader('www-authenticate', 'Bearer');
    sendError(
      res,
      new ApiError(
        401,
        `${path} needs the header "Authorization: Bearer <token>" with the simulator's faults token (--faults-token, SLM_FLEET_SIM_FAULTS_TOKEN): ${decision.reason}`,
        null,
        'invalid_token',
      ),
    );
  } else {
    sendError(
      res,
      new ApiError(
        403,
        `${path} answers only loopback callers when the simulator has no faults token; start it with --faults-token or SLM_FLEET_SIM_FAULTS_TOKEN and send "Authorization: Bearer <token>"`,
        null,
        'forbidden',
      ),
    );
  }
  // The body is never read: node:http discards it once the answer is sent.
  return false;
}

/**
 * Answers 401 as OpenAI does (code `invalid_api_key`) unless the request carries the key, and
 * returns whether it did. Neither the answer nor the log holds what the caller sent.
 */
function hasApiKey(
  engine: SimulatedEngine,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  access: SwitchAccess,
): boolean {
  const given = bearerToken(req.headers.authorization);
  if (given !== undefined && sameKey(given, access.apiKey ?? '')) return true;
  engine.counters.unauthorized++;
  const reason = given === undefined ? 'no API key' : 'wrong API key';
  access.onRefused?.({ path, reason, remoteAddress: req.socket.remoteAddress });
  const message =
    given === undefined
      ? 'You didn\'t provide an API key. Send it as "Authorization: Bearer <key>" (the simulator\'s key is in the variable --api-key-env names).'
      : 'Incorrect API key provided. The simulator takes the key in the variable --api-key-env names.';
  res.setHeader('www-authenticate', 'Bearer');
  sendError(res, new ApiError(401, message, null, 'invalid_api_key'));
  return false;
}

/** Constant time: both sides hashed first, so their lengths leak nothing either. */
function sameKey(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function notReady(): ApiError {
  return new ApiError(503, 'the simulated model is still loading (slow start)', null, null, 'service_unavailable');
}

/** vLLM's liveness-and-loaded probe: 200 with an empty body once the model is loaded. */
function health(engine: SimulatedEngine, _req: IncomingMessage, res: ServerResponse): void {
  if (!engine.isReady()) return sendError(res, notReady());
  res.writeHead(200, { 'content-length': 0 });
  res.end();
}

function models(engine: SimulatedEngine, _req: IncomingMessage, res: ServerResponse): void {
  if (!engine.isReady()) return sendError(res, notReady());
  sendJson(res, 200, modelList(engine.model, engine.startedAt, MAX_MODEL_LEN, engine.adapters));
}

/** POST /sim/faults: changes fault and latency switches while running; answers all switches. */
function updateSwitches(engine: SimulatedEngine, req: IncomingMessage, res: ServerResponse): void {
  readBody(req, res, (body) => {
    if (body === undefined) return;
    try {
      Object.assign(engine.switches, parseSwitchUpdate(JSON.parse(body || '{}'), engine.profile));
    } catch (error) {
      if (error instanceof SyntaxError)
        return sendError(res, new ApiError(400, 'the body must be JSON', null, 'invalid_json'));
      if (error instanceof ApiError) return sendError(res, error);
      throw error;
    }
    sendJson(res, 200, engine.switches);
  });
}
