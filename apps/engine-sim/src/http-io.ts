import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '@slm-fleet/simulator';

/** Larger bodies get 413: far above any prompt that fits the simulated context window. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, error.body);
}

/**
 * Reads the request body as text. `done` gets undefined when the client goes away or sends too
 * much (then a 413 is already on its way): there is nothing left to answer.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, done: (body: string | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (body: string | undefined): void => {
    if (settled) return;
    settled = true;
    done(body);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    else if (!settled) {
      sendJson(res, 413, {
        error: { message: 'request body too large', type: 'invalid_request_error', param: null, code: null },
      });
      settle(undefined);
    }
  });
  req.on('end', () =>
    settle(chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString()),
  );
  req.on('error', () => settle(undefined));
}
