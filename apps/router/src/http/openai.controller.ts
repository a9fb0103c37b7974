import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OPENAI_FIELD_NAMES, asCallFailure, checkRequestSize, openAiCallOf, validateCall } from '@slm-fleet/calls';
import { ROUTER_CORE, type RouterCore } from '../router-core.js';
import type { StreamDelta } from '@slm-fleet/queue';
import {
  chunkBody,
  completionBody,
  deltaBody,
  errorBody,
  finishChunkBody,
  modelsBody,
  usageChunkBody,
} from './openai-responses.js';
import { modelAnswer } from './model-bodies.js';

/** Express parses the JSON body onto the request. */
type Request = IncomingMessage & { body?: { model?: unknown } };
type Response = ServerResponse;

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function sendJson(res: Response, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The OpenAI-compatible front door: `model` names the task. Calls take the same path as gRPC
 * ones (validation, dispatch, result check); only the encoding differs. Optional headers:
 * Idempotency-Key, X-Slm-Priority, X-Slm-Timeout-Ms, traceparent.
 */
@Controller('v1')
export class OpenAiController {
  constructor(@Inject(ROUTER_CORE) private readonly core: RouterCore) {}

  @Get('models')
  models(): object {
    return modelsBody(this.core.routingTable().values());
  }

  /** One task as a model; OpenAI's model_not_found (404) for a name no task has. */
  @Get('models/:model')
  model(@Param('model') model: string, @Res() res: Response): void {
    const { status, body } = modelAnswer(model, this.core.routingTable(), this.core.routingSynced());
    sendJson(res, status, body);
  }

  @Post('chat/completions')
  async chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    const end = this.core.metrics.startCall(typeof req.body?.model === 'string' ? req.body.model : '');
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    let streaming = false;
    try {
      checkRequestSize(Number(header(req, 'content-length') ?? 0), this.core.maxRequestBytes);
      const idempotencyKey = header(req, 'idempotency-key');
      const priority = header(req, 'x-slm-priority');
      const { request, stream, includeUsage } = openAiCallOf(req.body, {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...(priority ? { priority } : {}),
      });
      const call = validateCall(request, OPENAI_FIELD_NAMES, this.core.validators);
      const timeoutMs = Number(header(req, 'x-slm-timeout-ms'));
      const traceparent = header(req, 'traceparent');
      const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const send = (body: object): void => {
        if (!streaming) {
          streaming = true;
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
          res.write(`data: ${JSON.stringify(chunkBody(id, call.task, { role: 'assistant', content: '' }))}\n\n`);
        }
        res.write(`data: ${JSON.stringify(body)}\n\n`);
      };
      const answer = await this.core.dispatcher.dispatch(call, {
        cancelled: aborted.signal,
        ...(timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {}),
        ...(traceparent ? { traceparent } : {}),
        ...(stream ? { onDelta: (delta: StreamDelta) => send(chunkBody(id, call.task, deltaBody(delta))) } : {}),
        fieldNames: OPENAI_FIELD_NAMES,
      });
      end('OK');
      if (!stream) {
        sendJson(res, 200, completionBody(answer, call.task));
        return;
      }
      send(finishChunkBody(id, call.task, answer));
      if (includeUsage) send(usageChunkBody(id, call.task, answer));
      res.end('data: [DONE]\n\n');
    } catch (error) {
      const failure = asCallFailure(error);
      end(failure.code);
      const { status, body } = errorBody(failure);
      if (res.writableEnded || aborted.signal.aborted) return;
      // Mid-stream the status is already sent: an error event is how OpenAI clients learn of it.
      if (streaming) res.end(`data: ${JSON.stringify(body)}\n\n`);
      else sendJson(res, status, body);
    }
  }
}
