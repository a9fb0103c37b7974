import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkRequestSize } from '@slm-fleet/calls';

// What both OpenAI-compatible controllers need of Express's request and Node's response.

/** Express parses the JSON body onto the request. */
export type JsonRequest = IncomingMessage & { body?: { model?: unknown } };

/** A request header's first value. */
export const header = (req: JsonRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
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
  checkRequestSize(Number(header(req, 'content-length') ?? 0), maxRequestBytes);
  const idempotencyKey = header(req, 'idempotency-key');
  const priority = header(req, 'x-slm-priority');
  const timeoutMs = Number(header(req, 'x-slm-timeout-ms'));
  const traceparent = header(req, 'traceparent');
  return {
    /** For the request mapping, which checks them. */
    request: { ...(idempotencyKey ? { idempotencyKey } : {}), ...(priority ? { priority } : {}) },
    /** For the dispatcher. */
    dispatch: {
      ...(timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {}),
      ...(traceparent ? { traceparent } : {}),
    },
  };
}
