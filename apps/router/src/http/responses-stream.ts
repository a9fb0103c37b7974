import type { CallFailure } from '@slm-fleet/calls';
import { answerOf, applyDelta, deltaBetween, emptyAnswer, type StreamDelta } from '@slm-fleet/queue';
import type { Answer } from '../dispatch/call-dispatcher.js';
import {
  failedBody,
  functionCallItem,
  inProgressBody,
  itemStatus,
  logprobsOf,
  messageItem,
  newId,
  outputTextPart,
  responseBody,
  type OutputSlot,
  type ResponseHead,
} from './responses-bodies.js';

/** One server-sent event of a streamed response: `event: <type>` and the JSON as data. */
export interface ResponseEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** An output item as the stream has it so far. */
type OpenItem =
  | { kind: 'message'; slot: OutputSlot; outputIndex: number; text: string }
  | {
      kind: 'function_call';
      slot: OutputSlot;
      index: number;
      outputIndex: number;
      callId: string;
      name: string;
      arguments: string;
    };

/**
 * Turns the dispatcher's deltas into the Responses API's stream events, in OpenAI's order:
 * response.created and response.in_progress; per output item output_item.added, its pieces
 * (content_part.added, output_text.delta... / function_call_arguments.delta...), their done
 * events and output_item.done, one item after the other; then response.completed (or
 * response.incomplete when the answer was cut off). Pure: the controller writes the events.
 */
export class ResponseEvents {
  private sequence = 0;
  private started = false;
  private readonly items: OpenItem[] = [];
  /** The item still receiving pieces; earlier ones are done. */
  private open: OpenItem | undefined;
  /** Everything sent so far, to send only what is missing when the answer arrives. */
  private readonly streamed = emptyAnswer();

  constructor(private readonly head: ResponseHead) {}

  /** The events for a delta (preceded by the opening events, the first time). */
  delta(delta: StreamDelta): ResponseEvent[] {
    const events = this.start();
    applyDelta(this.streamed, delta);
    if (delta.text) {
      const message = this.open?.kind === 'message' ? this.open : this.openMessage(events);
      message.text += delta.text;
      events.push(
        this.event('response.output_text.delta', { ...this.partOf(message), delta: delta.text, logprobs: [] }),
      );
    }
    for (const piece of delta.toolCalls ?? []) {
      // The router sends a call's id and name with its first piece.
      // A piece for a call already closed (an engine interleaving calls) still reaches its item.
      let item = this.items.find((i) => i.kind === 'function_call' && i.index === piece.index);
      if (!item && piece.id) item = this.openFunctionCall(events, piece.index, piece.id, piece.name ?? '');
      if (item?.kind !== 'function_call' || !piece.arguments) continue;
      item.arguments += piece.arguments;
      events.push(
        this.event('response.function_call_arguments.delta', {
          item_id: item.slot.id,
          output_index: item.outputIndex,
          delta: piece.arguments,
        }),
      );
    }
    return events;
  }

  /** The last events: what never came as a delta, the open item's done events, the whole response. */
  finish(answer: Answer): ResponseEvent[] {
    const events = this.start();
    const rest = deltaBetween(this.streamed, answerOf(answer.result.output, answer.result.toolCalls));
    if (rest && rest !== 'diverged') events.push(...this.delta(rest));
    // An answer with neither text nor tool calls is still an (empty) message, as OpenAI gives it.
    if (this.items.length === 0) this.openMessage(events);
    if (this.open) this.close(events, itemStatus(answer, true), logprobsOf(answer.result.logprobs));
    const body = responseBody(
      this.head,
      answer,
      this.items.map((i) => i.slot),
    ) as { status: string };
    events.push(
      this.event(body.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: body }),
    );
    return events;
  }

  /** A failure after the stream started: an error event, then response.failed. */
  fail(failure: CallFailure): ResponseEvent[] {
    const events = this.start();
    events.push(this.event('error', { code: failure.reason, message: failure.message, param: failure.field ?? null }));
    const output = this.items.map((item) => this.itemOf(item, item === this.open ? 'incomplete' : 'completed'));
    events.push(this.event('response.failed', { response: failedBody(this.head, failure, output) }));
    return events;
  }

  private start(): ResponseEvent[] {
    if (this.started) return [];
    this.started = true;
    const response = inProgressBody(this.head);
    return [this.event('response.created', { response }), this.event('response.in_progress', { response })];
  }

  private event(type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private partOf(item: OpenItem): { item_id: string; output_index: number; content_index: number } {
    return { item_id: item.slot.id, output_index: item.outputIndex, content_index: 0 };
  }

  private openMessage(events: ResponseEvent[]): Extract<OpenItem, { kind: 'message' }> {
    this.close(events, 'completed');
    const slot: OutputSlot = { type: 'message', id: newId('msg') };
    const item = { kind: 'message' as const, slot, outputIndex: this.items.length, text: '' };
    this.add(events, item);
    events.push(this.event('response.content_part.added', { ...this.partOf(item), part: outputTextPart('') }));
    return item;
  }

  private openFunctionCall(events: ResponseEvent[], index: number, callId: string, name: string): OpenItem {
    this.close(events, 'completed');
    const slot: OutputSlot = { type: 'function_call', id: newId('fc'), index };
    const item: OpenItem = {
      kind: 'function_call',
      slot,
      index,
      outputIndex: this.items.length,
      callId,
      name,
      arguments: '',
    };
    this.add(events, item);
    return item;
  }

  private add(events: ResponseEvent[], item: OpenItem): void {
    this.items.push(item);
    this.open = item;
    events.push(
      this.event('response.output_item.added', {
        output_index: item.outputIndex,
        item: this.itemOf(item, 'in_progress'),
      }),
    );
  }

  private close(events: ResponseEvent[], status: 'completed' | 'incomplete', logprobs: object[] = []): void {
    const item = this.open;
    if (!item) return;
    this.open = undefined;
    if (item.kind === 'message') {
      const part = outputTextPart(item.text, logprobs);
      events.push(this.event('response.output_text.done', { ...this.partOf(item), text: item.text, logprobs }));
      events.push(this.event('response.content_part.done', { ...this.partOf(item), part }));
      events.push(
        this.event('response.output_item.done', {
          output_index: item.outputIndex,
          item: messageItem(item.slot.id, status, [part]),
        }),
      );
      return;
    }
    events.push(
      this.event('response.function_call_arguments.done', {
        item_id: item.slot.id,
        output_index: item.outputIndex,
        name: item.name,
        arguments: item.arguments,
      }),
    );
    events.push(
      this.event('response.output_item.done', { output_index: item.outputIndex, item: this.itemOf(item, status) }),
    );
  }

  /** An item as output_item events carry it: a message still open has no content yet. */
  private itemOf(item: OpenItem, status: 'in_progress' | 'completed' | 'incomplete'): object {
    if (item.kind === 'message')
      return messageItem(item.slot.id, status, status === 'in_progress' ? [] : [outputTextPart(item.text)]);
    return functionCallItem(item.slot.id, status, item);
  }
}
