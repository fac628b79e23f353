import { z } from 'zod';
import { formatIssues } from '../core/zod-issues.js';

/**
 * The replication wire protocol between PoPs: JSON text frames over one connection per directed
 * link, validated with zod on receipt (and each change per operation, entry-check.ts). A frame that
 * fails validation, or carries another protocol version, is refused with a log line and never
 * applied.
 *
 *   sender → receiver: hello {from, to, nonce, epoch}; auth {proof}; changes {after, through, entries, sentAt, readAt}
 *   receiver → sender: challenge {nonce, proof, now}; welcome {applied} (where to resume); ack {seq};
 *                      refuse {reason}
 *
 * hello/challenge/auth is the mutual proof of fabric membership (handshake.ts); no change is taken
 * before it completes. hello → challenge is also the round trip that measures the network under the
 * link (network.ts): the sender stamps `readAt` on the receiver's clock.
 *
 * A changes frame covers the sender's log from `after` (exclusive) to `through` (inclusive) but
 * carries only the entries the receiver may hold: a geo-fabric's data goes only to the regions of
 * its dcList (v3), so a frame can be empty and its entries' seqs can jump. The receiver checks that
 * frames line up (`after` is where it stands) and counts itself at `through`.
 */
export const PROTOCOL_VERSION = 3;
export const REPLICATION_PATH = '/_emu/replication';

const v = z.literal(PROTOCOL_VERSION);
const region = z.string().min(1).max(63);
const nonce = z.string().regex(/^[0-9a-f]{16,128}$/);
const proof = z.string().regex(/^[0-9a-f]{64}$/);

export const ChangeEntrySchema = z.strictObject({
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  origin: region,
  hlc: z.string().min(1),
  op: z.enum([
    'insert',
    'replace',
    'update',
    'remove',
    'collection.create',
    'collection.drop',
    'collection.truncate',
    'collection.properties',
    'index.create',
    'index.drop',
    'restql.save',
    'restql.delete',
    'user.put',
    'user.patch',
    'user.delete',
    'apikey.put',
    'apikey.patch',
    'apikey.delete',
    'grant.put',
    'grant.patch',
    'grant.delete',
    'fabric.put',
    'fabric.patch',
    'fabric.delete',
    'stream.create',
    'stream.drop',
    'stream.message',
    'stream.ttl',
  ]),
  // `<tenant>/<fabric>` for data, the tenant alone for registry changes (users, keys, grants, fabrics).
  fabric: z.string().min(1),
  // Empty for changes that belong to no collection (saved queries, the registry).
  collection: z.string(),
  key: z.string().nullable(),
  payload: z.string().nullable(),
  at: z.number().finite(),
});

export const SenderFrame = z.discriminatedUnion('t', [
  // epoch: of the sender's change log, renewed by a reset, so the receiver counts its seqs afresh.
  z.strictObject({ v, t: z.literal('hello'), from: region, to: region, nonce, epoch: z.string().max(64) }),
  z.strictObject({ v, t: z.literal('auth'), proof }),
  z.strictObject({
    v,
    t: z.literal('changes'),
    sentAt: z.number().finite(),
    readAt: z.number().finite(),
    after: z.number().int().nonnegative(),
    through: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    entries: z.array(ChangeEntrySchema),
  }),
]);

export const ReceiverFrame = z.discriminatedUnion('t', [
  // now: the receiver's clock when the hello came, so the sender can measure the network (network.ts).
  z.strictObject({ v, t: z.literal('challenge'), nonce, proof, now: z.number().finite().optional() }),
  z.strictObject({ v, t: z.literal('welcome'), applied: z.number().int().nonnegative() }),
  z.strictObject({ v, t: z.literal('ack'), seq: z.number().int().nonnegative() }),
  z.strictObject({ v, t: z.literal('refuse'), reason: z.string() }),
]);

export type SenderFrame = z.infer<typeof SenderFrame>;
export type ReceiverFrame = z.infer<typeof ReceiverFrame>;

/** Parses a frame; returns an error text instead of throwing, for the caller to log and refuse. */
export function decode<T>(schema: z.ZodType<T>, raw: string): { ok: true; frame: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'frame is not JSON' };
  }
  if (typeof json === 'object' && json !== null && 'v' in json && (json as { v: unknown }).v !== PROTOCOL_VERSION) {
    return { ok: false, error: `unsupported protocol version ${JSON.stringify((json as { v: unknown }).v)} (this PoP speaks ${PROTOCOL_VERSION})` };
  }
  const r = schema.safeParse(json);
  if (!r.success) return { ok: false, error: formatIssues(r.error.issues, schema, json, 'frame') };
  return { ok: true, frame: r.data };
}

export function encode(frame: SenderFrame | ReceiverFrame): string {
  return JSON.stringify(frame);
}

type ChangesFrame = Extract<SenderFrame, { t: 'changes' }>;
const entriesJson = new WeakMap<readonly ChangesFrame['entries'][number][], string>();

/**
 * The same text as encode() of a changes frame; the entries are stringified once however many
 * links ship the very same array (the change log hands every link the one it read).
 */
export function encodeChanges(head: Omit<ChangesFrame, 'entries'>, entries: readonly ChangesFrame['entries'][number][]): string {
  let json = entriesJson.get(entries);
  if (json === undefined) {
    json = JSON.stringify(entries);
    entriesJson.set(entries, json);
  }
  return `${JSON.stringify(head).slice(0, -1)},"entries":${json}}`;
}
