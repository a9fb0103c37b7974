import { Catch, HttpException, Inject, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTER_CORE, type RouterCore } from '../router-core.js';

// Every error of the OpenAI-compatible API in OpenAI's shape, also those no controller sees:
// an unknown route or method, a body that is not JSON, a body over the size limit. OpenAI
// clients read `error.message` and `error.code`; Nest's own `{statusCode, message}` would
// reach them as an error without a message. Other paths (probes, /metrics) keep Nest's.

/** The OpenAI-compatible routes: a path with another method gets 405 and their Allow. */
export const OPENAI_ROUTES: readonly { method: string; path: RegExp; name: string }[] = [
  { method: 'GET', path: /^\/v1\/models$/, name: '/v1/models' },
  { method: 'GET', path: /^\/v1\/models\/[^/]+$/, name: '/v1/models/{model}' },
  { method: 'POST', path: /^\/v1\/chat\/completions$/, name: '/v1/chat/completions' },
  { method: 'POST', path: /^\/v1\/responses$/, name: '/v1/responses' },
];

const isOpenAiPath = (path: string): boolean => path === '/v1' || path.startsWith('/v1/');

/** What body-parser throws: an http-errors error with a `type`. */
interface ParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
  length?: unknown;
  limit?: unknown;
}

interface OpenAiError {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  allow?: string;
}

const error = (status: number, message: string, type: string, code: string | null): OpenAiError => ({
  status,
  body: { error: { message, type, param: null, code } },
});

/** The request an exception is about. */
export interface RequestFacts {
  method: string;
  path: string;
  /** Whether it came with a body (Content-Length or chunked). */
  hasBody: boolean;
}

const invalidJson = (why: string): OpenAiError =>
  error(
    400,
    `We could not parse the JSON body of your request (${why}). Send a JSON object with Content-Type: application/json.`,
    'invalid_request_error',
    'invalid_json',
  );

/** An exception on an OpenAI path as OpenAI would answer it. Pure, for tests. */
export function openAiErrorOf(exception: unknown, request: RequestFacts, maxRequestBytes: number): OpenAiError {
  const { method, path } = request;
  const parser = (typeof exception === 'object' && exception !== null ? exception : {}) as ParserError;
  if (parser.type === 'entity.parse.failed') return invalidJson(String(parser.message));
  // Nest turns body-parser's SyntaxError into a BadRequestException (and a URL with a bad
  // %-escape too, which has no body). The controllers here throw no HttpException.
  if (exception instanceof HttpException && exception.getStatus() === 400 && request.hasBody) {
    return invalidJson(exception.message);
  }
  if (parser.type === 'entity.too.large') {
    const size = typeof parser.length === 'number' ? `${parser.length} bytes` : 'too large';
    return error(
      413,
      `the request is ${size}; this router accepts at most ${maxRequestBytes} (--max-request-bytes)`,
      'invalid_request_error',
      'REQUEST_TOO_LARGE',
    );
  }
  if (typeof parser.type === 'string' && typeof parser.status === 'number' && parser.status < 500) {
    // Other body-parser refusals: an unsupported encoding or charset, an aborted upload.
    return error(parser.status, String(parser.message), 'invalid_request_error', parser.type.replace(/\W/g, '_'));
  }
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    const routes = OPENAI_ROUTES.filter((r) => r.path.test(path));
    if (routes.length > 0) {
      const allow = routes.map((r) => r.method).join(', ');
      return {
        ...error(
          405,
          `${method} is not allowed on ${path}; use ${allow}`,
          'invalid_request_error',
          'method_not_allowed',
        ),
        allow,
      };
    }
    const served = OPENAI_ROUTES.map((r) => `${r.method} ${r.name}`).join(', ');
    return error(
      404,
      `Invalid URL (${method} ${path}): slm-fleet serves ${served}`,
      'invalid_request_error',
      'unknown_url',
    );
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return error(status, exception.message, status < 500 ? 'invalid_request_error' : 'server_error', null);
  }
  return error(500, 'the router failed unexpectedly; the error is in its log', 'server_error', 'INTERNAL');
}

/** Registered globally (APP_FILTER) in RouterModule. */
@Catch()
export class OpenAiErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('OpenAiErrorsFilter');

  constructor(@Inject(ROUTER_CORE) private readonly core: RouterCore) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
    if (host.getType() !== 'http' || !isOpenAiPath(path)) {
      super.catch(exception, host);
      return;
    }
    if (res.headersSent) {
      // A stream that broke: nothing can be said in its status any more.
      res.end();
      return;
    }
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const facts = { method: req.method ?? 'GET', path, hasBody };
    const { status, body, allow } = openAiErrorOf(exception, facts, this.core.maxRequestBytes);
    // The answer hides a server-side failure's details; the log keeps them.
    if (status >= 500) this.logger.error({ msg: 'unexpected error', path, error: String(exception) });
    res.writeHead(status, { 'Content-Type': 'application/json', ...(allow ? { Allow: allow } : {}) });
    res.end(JSON.stringify(body));
  }
}
