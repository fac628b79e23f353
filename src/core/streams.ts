import { gdnError } from './errors.js';

/**
 * Stream naming (spec/gdn-api.md §9.1) and Pulsar message ids, shared by storage, the broker, the
 * API and replication's checks. A user stream `s1` is the topic `c8globals.s1` (global) or
 * `c8locals.s1` (local), in the namespace `c8global.{fabric}` or `c8local.{fabric}`; a collection's
 * change stream is the topic named after the collection, in `c8local.{fabric}`.
 */
export const GLOBAL_PREFIX = 'c8globals.';
export const LOCAL_PREFIX = 'c8locals.';

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Largest message payload (Pulsar's default maxMessageSize, 5 MiB), as the text the producer sent. */
export const MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

/** A user stream's topic, validated: `c8globals.<name>` or `c8locals.<name>`. */
export function isStreamTopic(topic: string): boolean {
  const name = topic.startsWith(GLOBAL_PREFIX) ? topic.slice(GLOBAL_PREFIX.length) : topic.startsWith(LOCAL_PREFIX) ? topic.slice(LOCAL_PREFIX.length) : undefined;
  return name !== undefined && STREAM_NAME.test(name);
}

export function isGlobalTopic(topic: string): boolean {
  return topic.startsWith(GLOBAL_PREFIX);
}

/**
 * The topic of a stream name as a client gives it: jsC8 and pyC8 send the bare name on create and
 * the prefixed topic everywhere else, so a prefix already there is kept (and must agree with
 * `global` when that is given).
 */
export function streamTopic(name: string, global: boolean | undefined): string {
  const prefixed = name.startsWith(GLOBAL_PREFIX) || name.startsWith(LOCAL_PREFIX);
  const topic = prefixed ? name : `${global === true ? GLOBAL_PREFIX : LOCAL_PREFIX}${name}`;
  if (!isStreamTopic(topic)) {
    throw gdnError('ILLEGAL_NAME', `illegal stream name '${name}': 1-64 letters, digits, '_' or '-', optionally prefixed with '${GLOBAL_PREFIX}' or '${LOCAL_PREFIX}'`);
  }
  if (prefixed && global !== undefined && isGlobalTopic(topic) !== global) {
    throw gdnError('BAD_PARAMETER', `stream '${name}' is ${isGlobalTopic(topic) ? 'global' : 'local'} but global=${global} was given`);
  }
  return topic;
}

/*
 * Message ids are what Pulsar sends: the base64 of a protobuf MessageIdData (ledgerId, entryId).
 * The publisher picks both (storage/streams.ts) so that an id is unique across the fabric without
 * coordination and the same at every region.
 */
function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function messageId(ledger: number, entry: number): string {
  const bytes: number[] = [0x08];
  varint(ledger, bytes);
  bytes.push(0x10);
  varint(entry, bytes);
  return Buffer.from(bytes).toString('base64');
}

/** The (ledger, entry) of a message id this emulator made; undefined for anything else. */
export function parseMessageId(id: unknown): { ledger: number; entry: number } | undefined {
  if (typeof id !== 'string' || id.length === 0 || id.length > 64 || !/^[A-Za-z0-9+/]+=*$/.test(id)) return undefined;
  const bytes = Buffer.from(id, 'base64');
  const fields: number[] = [];
  let i = 0;
  for (const tag of [0x08, 0x10]) {
    if (bytes[i++] !== tag) return undefined;
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined || scale > 2 ** 49) return undefined;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
      if (b < 0x80) break;
    }
    fields.push(v);
  }
  if (i !== bytes.length || messageId(fields[0]!, fields[1]!) !== id) return undefined;
  return { ledger: fields[0]!, entry: fields[1]! };
}

/** Subscription names: what Pulsar's URLs carry without escaping, as GDN's consoles create them. */
export const SUBSCRIPTION_NAME = /^[A-Za-z0-9_\-.:]{1,128}$/;
