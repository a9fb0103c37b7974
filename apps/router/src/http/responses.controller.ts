import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { RESPONSES_FIELD_NAMES, responsesCallOf, validateCall } from '@slm-fleet/calls';
import type { StreamDelta } from '@slm-fleet/queue';
import { ROUTER_CORE, type RouterCore } from '../router-core.js';
import { answererHeaders, callHeaders, clientGone, sendJson, type JsonRequest } from './http-io.js';
import type { Answerer } from '../dispatch/call-dispatcher.js';
import { errorBody } from './openai-responses.js';
import { newId, responseBody, slotsOf, unixSeconds, type ResponseHead } from './responses-bodies.js';
import { ResponseEvents, type ResponseEvent } from './responses-stream.js';

/**
 * OpenAI's Responses API, stateless: `POST /v1/responses` takes the whole conversation in
 * `input` and answers a `response` object that is never stored (`store: false`;
 * `previous_response_id` is refused). Calls take the same path as chat completions and gRPC
 * (validation, dispatch, result checks); only the encoding differs. Optional headers:
 * Idempotency-Key, X-Slm-Priority, X-Slm-Timeout-Ms, traceparent.
 */
@Controller('v1')
export class ResponsesController {
  constructor(@Inject(ROUTER_CORE) private readonly core: RouterCore) {}

  @Post('responses')
  async create(@Req() req: JsonRequest, @Res() res: ServerResponse): Promise<void> {
    const task = typeof req.body?.model === 'string' ? req.body.model : '';
    const end = this.core.metrics.startCall(task);
    const gone = clientGone(res);
    let events: ResponseEvents | undefined;
    let answerer: Answerer | undefined;
    // Headers go out with the first event, so a call refused before any output (an unknown
    // task, a full queue) still gets its HTTP status rather than an error event.
    const send = (list: ResponseEvent[]): void => {
      if (!res.headersSent) {
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache',
          ...answererHeaders(answerer),
        });
      }
      for (const event of list) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    try {
      const headers = callHeaders(req, this.core.maxRequestBytes);
      const { request, stream, settings } = responsesCallOf(req.body, headers.request);
      const call = validateCall(request, RESPONSES_FIELD_NAMES, this.core.validators);
      const head: ResponseHead = { id: newId('resp'), createdAt: unixSeconds(), task: call.task, settings };
      const streamed = stream ? new ResponseEvents(head) : undefined;
      events = streamed;
      const answer = await this.core.dispatcher.dispatch(call, {
        cancelled: gone,
        ...headers.dispatch,
        onAnswerer: (who) => (answerer = who),
        ...(streamed ? { onDelta: (delta: StreamDelta) => send(streamed.delta(delta)) } : {}),
        fieldNames: RESPONSES_FIELD_NAMES,
      });
      end('OK');
      if (!streamed) {
        sendJson(res, 200, responseBody(head, answer, slotsOf(answer)), answererHeaders(answer));
        return;
      }
      answerer = answer;
      send(streamed.finish(answer));
      res.end();
    } catch (error) {
      const failure = this.core.failureOf(error, task);
      end(failure.code);
      if (res.writableEnded || gone.aborted) return;
      // Mid-stream the status is already sent: an error event and response.failed say it.
      if (events && res.headersSent) {
        send(events.fail(failure));
        res.end();
        return;
      }
      const { status, body, headers } = errorBody(failure);
      sendJson(res, status, body, headers);
    }
  }
}
