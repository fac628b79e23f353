import { z } from 'zod';
import { parseHlc } from '../core/hlc.js';
import { jsonProblem } from '../core/json-rules.js';
import { isFabricName, isTenantName, isValidKey } from '../core/names.js';
import { splitFabricKey } from '../core/scope.js';
import { isGlobalTopic, isStreamTopic, MAX_MESSAGE_BYTES, parseMessageId } from '../core/streams.js';
import { parseIndexInput, parseRegistryOp, RECORD_SCHEMAS, validRecordId, type ChangeEntry } from '../storage/index.js';

/*
 * Every replicated change is checked completely, per operation, before a batch is applied: a peer
 * is trusted to be a member of the fabric (the handshake proves that), not to send well-formed data.
 * A change that fails here refuses the whole frame, so nothing of it is applied.
 */

const COLLECTION = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const QUERY_NAME = /^[A-Za-z0-9_\-.]{1,128}$/;
const REGION = /^[A-Za-z0-9_.-]{1,128}$/;

const body = z.record(z.string(), z.unknown());
const KeyOptions = z.strictObject({
  type: z.enum(['traditional', 'autoincrement', 'padded', 'uuid']),
  allowUserKeys: z.boolean(),
  increment: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  lastValue: z.number().int().nonnegative(),
});
const Props = z.strictObject({
  waitForSync: z.boolean(),
  hasStream: z.boolean(),
  cacheEnabled: z.boolean(),
  isSystem: z.boolean(),
  strongConsistency: z.boolean(),
  keyOptions: KeyOptions,
  kv: z.strictObject({ expiration: z.boolean(), group: z.boolean() }).optional(),
});
/** A register clock `<hlc>|<origin>` (storage/clocks.ts). */
const WriteClock = z.string().refine((c) => {
  const bar = c.indexOf('|');
  return bar !== -1 && parseHlc(c.slice(0, bar)) !== undefined && (bar === c.length - 1 || REGION.test(c.slice(bar + 1)));
}, 'not a write clock');

const PAYLOADS: Record<string, z.ZodType | null> = {
  insert: body,
  replace: body,
  update: z.strictObject({ set: body, unset: z.array(z.string()) }),
  // A removal carries nothing, or the version an expiry removed (DocumentStore.expire).
  remove: z.strictObject({ expired: WriteClock }).nullable(),
  'collection.create': z.strictObject({ type: z.union([z.literal(2), z.literal(3)]), props: Props }),
  'collection.drop': null,
  'collection.truncate': null,
  'collection.properties': Props,
  'index.create': body,
  'index.drop': null,
  'restql.save': z.strictObject({ value: z.string().min(1), parameter: body }),
  'restql.delete': null,
  'stream.create': null,
  'stream.drop': null,
  'stream.message': z.strictObject({
    payload: z.string().max(MAX_MESSAGE_BYTES),
    properties: z.record(z.string(), z.string()).optional(),
    key: z.string().optional(),
    eventTime: z.string().optional(),
    at: z.number().finite(),
  }),
  'stream.ttl': z.strictObject({ seconds: z.number().int().nonnegative() }),
};

const DOCUMENT_OPS = new Set(['insert', 'replace', 'update', 'remove']);

/** Stream changes name a global stream's topic (local ones never replicate), or none for the fabric's ttl. */
function streamProblem(e: ChangeEntry): string | undefined {
  if (e.op === 'stream.ttl') return e.collection === '' && e.key === null ? undefined : 'stream.ttl names no stream and carries no key';
  if (!isStreamTopic(e.collection) || !isGlobalTopic(e.collection)) return `a stream change needs a global stream's topic, got ${JSON.stringify(e.collection)}`;
  if (e.op === 'stream.message') return parseMessageId(e.key) ? undefined : `a stream message needs a message id as key, got ${JSON.stringify(e.key)}`;
  return e.key === null ? undefined : `${e.op} carries no key`;
}

function keyProblem(e: ChangeEntry): string | undefined {
  if (DOCUMENT_OPS.has(e.op)) return isValidKey(e.key) ? undefined : `a document change needs a valid _key, got ${JSON.stringify(e.key)}`;
  if (e.op === 'restql.save' || e.op === 'restql.delete') return typeof e.key === 'string' && QUERY_NAME.test(e.key) ? undefined : 'a saved-query change needs its name as key';
  if (e.op === 'index.drop' || e.op === 'index.create') return typeof e.key === 'string' && e.key.length > 0 ? undefined : 'an index change needs the index name as key';
  return e.key === null ? undefined : `${e.op} carries no key`;
}

function issues(r: z.ZodSafeParseError<unknown>): string {
  return r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** A registry change (registry.ts): `fabric` is the tenant, `key` the record id, payload per kind and verb. */
function registryProblem(e: ChangeEntry, kind: keyof typeof RECORD_SCHEMAS, verb: 'put' | 'patch' | 'delete'): string | undefined {
  if (!isTenantName(e.fabric)) return `malformed tenant name ${JSON.stringify(e.fabric)}`;
  if (e.collection !== '') return `${e.op} belongs to no collection`;
  if (!validRecordId(kind, e.key)) return `${e.op} needs a valid ${kind} id as key, got ${JSON.stringify(e.key)}`;
  if (kind === 'fabric' && e.key === '_system' && verb !== 'patch') return `${e.op} of _system: every tenant's _system exists always`;
  if (verb === 'delete') return e.payload === null ? undefined : `${e.op} carries no payload`;
  if (e.payload === null) return `${e.op} needs a payload`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(e.payload);
  } catch {
    return `${e.op} payload is not JSON`;
  }
  const record = RECORD_SCHEMAS[kind];
  const schema = verb === 'put' ? record : z.strictObject({ set: record.partial(), unset: z.array(z.enum(Object.keys(record.shape) as [string, ...string[]])) });
  const r = schema.safeParse(parsed);
  return r.success ? undefined : `${e.op} payload: ${issues(r)}`;
}

/** Data changes name their fabric as `<tenant>/<fabric>` (core/scope.ts). */
function fabricProblem(key: string): string | undefined {
  const s = splitFabricKey(key);
  return s && isTenantName(s.tenant) && isFabricName(s.fabric) ? undefined : `malformed fabric ${JSON.stringify(key)} (expected <tenant>/<fabric>)`;
}

/** What the change names: a stream's topic, no collection for saved queries, a collection for the rest; and its key. */
function nameProblem(e: ChangeEntry): string | undefined {
  if (e.op.startsWith('stream.')) return streamProblem(e);
  const needsCollection = !e.op.startsWith('restql.');
  if (needsCollection ? !COLLECTION.test(e.collection) : e.collection !== '') return `malformed collection name ${JSON.stringify(e.collection)}`;
  return keyProblem(e);
}

/** Why a change from a peer must not be applied, or undefined when it is well-formed. */
export function entryProblem(e: ChangeEntry): string | undefined {
  if (!parseHlc(e.hlc)) return `malformed HLC ${JSON.stringify(e.hlc)}`;
  const reg = parseRegistryOp(e.op);
  if (reg) return registryProblem(e, reg.kind, reg.verb);
  const fp = fabricProblem(e.fabric);
  if (fp) return fp;
  const np = nameProblem(e);
  if (np) return np;
  const schema = PAYLOADS[e.op];
  if (schema === undefined) return `unknown operation ${JSON.stringify(e.op)}`;
  if (schema === null) return e.payload === null ? undefined : `${e.op} carries no payload`;
  if (e.payload === null) return schema.safeParse(null).success ? undefined : `${e.op} needs a payload`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(e.payload);
  } catch {
    return `${e.op} payload is not JSON`;
  }
  const r = schema.safeParse(parsed);
  if (!r.success) return `${e.op} payload: ${issues(r)}`;
  // The same rules as a local write's (core/json-rules.ts); an update's document values sit under `set`.
  const problem = jsonProblem(e.op === 'update' ? (parsed as { set: unknown }).set : parsed);
  if (problem) return `${e.op} payload: ${problem}`;
  if (e.op === 'index.create') {
    const def = parsed as Record<string, unknown>;
    if (typeof def['id'] !== 'string' || def['name'] !== e.key) return 'index.create payload must carry its id and the name given as key';
    try {
      parseIndexInput(def, def['id']);
    } catch (err) {
      return `index.create payload: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/**
 * The bound on a peer's clock (CockroachDB's max-offset): a change stamped further ahead of this
 * PoP's clock than this is refused, so no peer can drag another's HLC (and every later `_rev`) into
 * the future.
 */
export const MAX_CLOCK_OFFSET_MS = 500;

export function clockProblem(e: ChangeEntry, localNow: number): string | undefined {
  const h = parseHlc(e.hlc);
  if (h && h.physical > localNow + MAX_CLOCK_OFFSET_MS) {
    return `change ${e.seq} is stamped ${Math.round(h.physical - localNow)} ms ahead of this PoP's clock (at most ${MAX_CLOCK_OFFSET_MS} ms allowed)`;
  }
  return undefined;
}
