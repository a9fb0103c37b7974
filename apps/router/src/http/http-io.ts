import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkRequestSize, invalidArgument } from '@slm-fleet/calls';
import type { Answerer } from '../dispatch/call-dispatcher.js';

// What both OpenAI-compatible controllers need of Express's request and Node's response.

/** Express parses the JSON body onto the request. */
export type JsonRequest = IncomingMessage & { body?: { model?: unknown } };

/** A request header's first value. */
export const header = (req: JsonRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A signal that fires when the client goes away before the answer is complete. */
export function clientGone(res: ServerResponse): AbortSignal {
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  return aborted.signal;
}

/**
 * What the HTTP doors take from headers (Idempotency-Key, X-Slm-Priority, X-Slm-Timeout-Ms,
 * traceparent), after refusing a body declared larger than the router accepts.
 */
export function callHeaders(req: JsonRequest, maxRequestBytes: number) {
  checkRequestSize(bodyBytes(req), maxRequestBytes);
  const idempotencyKey = header(req, 'idempotency-key');
  const priority = header(req, 'x-slm-priority');
  const timeoutMs = timeoutOf(header(req, 'x-slm-timeout-ms'));
  const traceparent = header(req, 'traceparent');
  return {
    /** For the request mapping, which checks them. */
    request: { ...(idempotencyKey ? { idempotencyKey } : {}), ...(priority ? { priority } : {}) },
    /** For the dispatcher. */
    dispatch: {
      ...(timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs }),
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

/** The longest X-Slm-Timeout-Ms: an AgentTask's own timeout bound (one hour). */
export const MAX_TIMEOUT_MS = 3_600_000;

/** X-Slm-Timeout-Ms, checked: a value the router would misread is refused, never ignored. */
export function timeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw invalidArgument(
      'X-Slm-Timeout-Ms header',
      `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got "${value.slice(0, 40)}"`,
    );
  }
  return ms;
}

/**
 * The body's size: as declared, or for a chunked body (no Content-Length) as parsed, so the
 * router's limit holds for both (only the parser's own, twice as large, would otherwise).
 */
function bodyBytes(req: JsonRequest): number {
  const declared = header(req, 'content-length');
  if (declared !== undefined) return Number(declared);
  return req.body === undefined ? 0 : Buffer.byteLength(JSON.stringify(req.body));
}

/**
 * Who answered, on every answer: x-slm-answered-by (the Specialist), x-slm-tier (specialist or
 * fallback) and, from the fallback, x-slm-fallback-reason. A stream sends them with its first
 * event, so they name the tier that streams (a stream never switches once it has sent chunks).
 */
export function answererHeaders(answerer: Answerer | undefined): Record<string, string> {
  if (!answerer) return {};
  return {
    'x-slm-answered-by': answerer.specialist,
    'x-slm-tier': answerer.tier,
    ...(answerer.fallbackReason ? { 'x-slm-fallback-reason': answerer.fallbackReason } : {}),
  };
}
