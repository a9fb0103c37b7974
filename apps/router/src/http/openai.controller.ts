import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { OPENAI_FIELD_NAMES, openAiCallOf, validateCall } from '@slm-fleet/calls';
import { ROUTER_CORE, type RouterCore } from '../router-core.js';
import { answererHeaders, callHeaders, clientGone, sendJson, type JsonRequest } from './http-io.js';
import type { Answerer } from '../dispatch/call-dispatcher.js';
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
  model(@Param('model') model: string, @Res() res: ServerResponse): void {
    const { status, body, headers } = modelAnswer(model, this.core.routingTable(), this.core.routingSynced());
    sendJson(res, status, body, headers);
  }

  @Post('chat/completions')
  async chatCompletions(@Req() req: JsonRequest, @Res() res: ServerResponse): Promise<void> {
    const task = typeof req.body?.model === 'string' ? req.body.model : '';
    const end = this.core.metrics.startCall(task);
    const gone = clientGone(res);
    let streaming = false;
    let answerer: Answerer | undefined;
    try {
      const headers = callHeaders(req, this.core.maxRequestBytes);
      const { request, stream, includeUsage } = openAiCallOf(req.body, headers.request);
      const call = validateCall(request, OPENAI_FIELD_NAMES, this.core.validators);
      const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const send = (body: object): void => {
        if (!streaming) {
          streaming = true;
          res.writeHead(200, {
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-cache',
            ...answererHeaders(answerer),
          });
          res.write(`data: ${JSON.stringify(chunkBody(id, call.task, { role: 'assistant', content: '' }))}\n\n`);
        }
        res.write(`data: ${JSON.stringify(body)}\n\n`);
      };
      const answer = await this.core.dispatcher.dispatch(call, {
        cancelled: gone,
        ...headers.dispatch,
        onAnswerer: (who) => (answerer = who),
        ...(stream ? { onDelta: (delta: StreamDelta) => send(chunkBody(id, call.task, deltaBody(delta))) } : {}),
        fieldNames: OPENAI_FIELD_NAMES,
      });
      end('OK');
      if (!stream) {
        sendJson(res, 200, completionBody(answer, call.task), answererHeaders(answer));
        return;
      }
      answerer = answer;
      send(finishChunkBody(id, call.task, answer));
      if (includeUsage) send(usageChunkBody(id, call.task, answer));
      res.end('data: [DONE]\n\n');
    } catch (error) {
      const failure = this.core.failureOf(error, task);
      end(failure.code);
      const { status, body, headers } = errorBody(failure);
      if (res.writableEnded || gone.aborted) return;
      // Mid-stream the status is already sent: an error event is how OpenAI clients learn of it.
      if (streaming) res.end(`data: ${JSON.stringify(body)}\n\n`);
      else sendJson(res, status, body, headers);
    }
  }
}
