import { z } from 'zod';
import type { MessageInput, StreamMessage } from '../storage/index.js';

/*
 * The JSON text frames of Pulsar's WebSocket API (spec/gdn-api.md §9.4), which GDN exposes as is.
 * Parsing never throws: a bad frame gets an error frame back and the connection stays open.
 */

/** Pulsar's WebSocketError codes, which its producer error frames carry as `send-error:<code>`. */
export const WS_ERROR = {
  FailedToCreateProducer: [1, 'Failed to create producer'],
  FailedToSubscribe: [2, 'Failed to subscribe'],
  FailedToDeserializeFromJSON: [3, 'Failed to de-serialize from JSON'],
  FailedToSerializeToJSON: [4, 'Failed to serialize to JSON'],
  AuthenticationError: [5, 'Failed to authenticate client'],
  NotAuthorizedError: [6, 'Client is not authorized'],
  PayloadEncodingError: [7, 'Invalid payload encoding'],
  UnknownError: [8, 'Unknown error'],
} as const;

export type WsError = keyof typeof WS_ERROR;

// Jackson reads a number or boolean into a String field as its text, so Pulsar accepts them there.
const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const ProducerMessage = z.object({
  payload: z.string(),
  properties: z.record(z.string(), text).optional(),
  context: text.optional(),
  key: text.optional(),
  eventTime: z.string().optional(),
});

export type ProducerFrame = { ok: true; message: MessageInput; context: string | undefined } | { ok: false; error: WsError; detail: string; context: string | undefined };

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || 'frame'}: ${i.message}`).join('; ');
}

function json(raw: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
}

/** A producer's frame: `{payload, properties?, context?, key?, eventTime?}`, `payload` kept as sent. */
export function parseProducerFrame(raw: string): ProducerFrame {
  const j = json(raw);
  if (!j.ok) return { ok: false, error: 'FailedToDeserializeFromJSON', detail: j.detail, context: undefined };
  const ctx = typeof j.value === 'object' && j.value !== null ? (j.value as { context?: unknown }).context : undefined;
  const context = typeof ctx === 'string' || typeof ctx === 'number' ? String(ctx) : undefined;
  const r = ProducerMessage.safeParse(j.value);
  if (!r.success) {
    const payloadBad = typeof j.value === 'object' && j.value !== null && typeof (j.value as { payload?: unknown }).payload !== 'string';
    return { ok: false, error: payloadBad ? 'PayloadEncodingError' : 'FailedToDeserializeFromJSON', detail: issues(r.error), context };
  }
  const { payload, properties, key, eventTime } = r.data;
  if (eventTime !== undefined && Number.isNaN(Date.parse(eventTime))) {
    return { ok: false, error: 'PayloadEncodingError', detail: `eventTime '${eventTime}' is not a date`, context };
  }
  return { ok: true, message: { payload, properties, key, eventTime }, context: r.data.context };
}

const ConsumerCommand = z.object({
  type: z.enum(['ack', 'negativeAcknowledge', 'permit', 'isEndOfTopic']).optional(),
  messageId: z.string().optional(),
  permitMessages: z.number().int().positive().max(1_000_000).optional(),
});

export type ConsumerCommand =
  | { kind: 'ack' | 'negativeAcknowledge'; messageId: string }
  | { kind: 'permit'; permits: number }
  | { kind: 'isEndOfTopic' }
  | { kind: 'bad'; error: WsError; detail: string };

/** A consumer's or reader's frame: an ack `{messageId}` or a typed command. */
export function parseConsumerCommand(raw: string): ConsumerCommand {
  const j = json(raw);
  if (!j.ok) return { kind: 'bad', error: 'FailedToDeserializeFromJSON', detail: j.detail };
  const r = ConsumerCommand.safeParse(j.value);
  if (!r.success) return { kind: 'bad', error: 'FailedToDeserializeFromJSON', detail: issues(r.error) };
  const { type = 'ack', messageId, permitMessages } = r.data;
  if (type === 'isEndOfTopic') return { kind: 'isEndOfTopic' };
  if (type === 'permit') {
    return permitMessages === undefined ? { kind: 'bad', error: 'FailedToDeserializeFromJSON', detail: 'a permit needs permitMessages' } : { kind: 'permit', permits: permitMessages };
  }
  if (messageId === undefined) return { kind: 'bad', error: 'FailedToDeserializeFromJSON', detail: `${type === 'ack' ? 'an ack' : 'a negative ack'} needs a messageId` };
  return { kind: type, messageId };
}

export function producerAck(messageId: string, context: string | undefined): string {
  return JSON.stringify({ result: 'ok', messageId, context });
}

/** `{"result":"send-error:<code>","errorMsg",...}`: how Pulsar refuses one message and keeps the producer. */
export function producerError(error: WsError, detail: string, context: string | undefined): string {
  const [code, text] = WS_ERROR[error];
  return JSON.stringify({ result: `send-error:${code}`, errorMsg: `${text}: ${detail}`, context });
}

/**
 * The same for a consumer or reader, as `error:<code>`. Pulsar closes the session on a frame it
 * cannot read; fabric-emu answers it and keeps the connection, so one bad frame costs no messages.
 */
export function consumerError(error: WsError, detail: string): string {
  const [code, text] = WS_ERROR[error];
  return JSON.stringify({ result: `error:${code}`, errorMsg: `${text}: ${detail}` });
}

/** Pulsar's rendering of a time (DateFormatter): ISO 8601 with the offset, here always UTC. */
export function publishTime(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** `{messageId, payload, properties, publishTime, redeliveryCount[, key][, eventTime]}`, built as text: it is sent to every consumer. */
export function messageFrame(m: StreamMessage, redeliveryCount: number): string {
  let s = `{"messageId":${JSON.stringify(m.id)},"payload":${JSON.stringify(m.payload)},"properties":${m.properties ?? '{}'},"publishTime":"${publishTime(m.at)}","redeliveryCount":${redeliveryCount}`;
  if (m.key !== null) s += `,"key":${JSON.stringify(m.key)}`;
  if (m.event_time !== null) s += `,"eventTime":${JSON.stringify(m.event_time)}`;
  return `${s}}`;
}
