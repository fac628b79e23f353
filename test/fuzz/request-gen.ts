/**
 * Seeded HTTP requests for the fabric fuzzer, as raw bytes: every route a server registers and
 * every GDN endpoint of the catalogue, in every path form a client sends, with well-formed and
 * malformed parameters, query strings, headers, methods and bodies, and C8QL (random and mutated
 * from the project's own cases) for the query routes.
 */
import { seedQueries } from '../query/cases/index.js';
import { mutate, randomQuery } from '../query/fuzz-gen.js';
import { brokenJson, chance, deepJson, int, jsonObject, jsonString, jsonValue, pick, stringBody, type Rnd } from './json-gen.js';

/** A route as a list of segments; null is a parameter. */
export interface RouteShape {
  method: string;
  segments: (string | null)[];
  /** Absolute (`/datacenter/...`, `/_emu/...`) rather than under `/_fabric/{fabric}`. */
  absolute: boolean;
  /** Changes the fabric itself (kill, partition, clock, ...): only sent in forms it must refuse. */
  destructive: boolean;
}

const ABSOLUTE = new Set(['datacenter', '_open', 'apid', '_emu']);

/** `/_fabric/{}/document/{}` (a registered route) or `/_api/kv/{collection}` (a catalogue path) as a shape. */
export function shapeOf(method: string, path: string, destructive = false): RouteShape {
  let segs = path.split('/').slice(1).map((s) => (s.startsWith(':') || (s.startsWith('{') && s.endsWith('}')) ? null : s));
  if (segs[0] === '_fabric') segs = segs.slice(2);
  else if (segs[0] === '_api') segs = segs.slice(1);
  return { method, segments: segs, absolute: typeof segs[0] === 'string' && ABSOLUTE.has(segs[0]), destructive };
}

export interface Names {
  collections: readonly string[];
  keys: readonly string[];
  regions: readonly string[];
  queries: readonly string[];
  /** The fabric's dev API key: most requests carry it, so that they reach past authentication. */
  apiKey: string;
}

export interface FuzzRequest {
  bytes: Buffer;
  method: string;
  /** For failure reports: method and path as sent. */
  line: string;
  /** Whether the answer must refuse it (4xx): the request was built to be malformed. */
  destructive: boolean;
  /**
   * Sent with a Content-Length shorter than its body: the server answers the first request and closes,
   * and the bytes it never read make the kernel reset the connection, which may discard that answer
   * before the client reads it. That is TCP, not the server; the request still must not crash anything.
   */
  overlong: boolean;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const ODD_METHODS = ['PROPFIND', 'TRACE', 'MKCOL', 'LOCK', 'PURGE', 'get', 'FOO', 'CONNECT', 'M-SEARCH'];
const QUERY_NAMES = [
  'waitForSync', 'returnNew', 'returnOld', 'silent', 'overwrite', 'overwriteMode', 'keepNull', 'mergeObjects', 'ignoreRevs',
  'collection', 'excludeSystem', 'isSystem', 'type', 'count', 'batchSize', 'clientRegion', 'location', 'name', 'details', '__proto__', '',
];
const QUERY_VALUES = ['true', 'false', 'True', '1', 'yes', 'no', '', 'maybe', 'replace', 'update', 'ignore', 'conflict', 'c', '%ZZ', '%00', 'r-east', '48.8,2.3', '91,0', 'NaN', '-1', '1e309'];

/** Percent-encoding that never throws: lone surrogates are sent as raw UTF-8 of U+FFFD. */
function encode(s: string): string {
  return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
}

function garbageSegment(rnd: Rnd): string {
  switch (int(rnd, 9)) {
    case 0: return pick(rnd, ['%ZZ', '%E0%A4%A', '%', '%%', '%u0041', '%C0%AF', '%ED%A0%80']);
    case 1: return '%00';
    case 2: return pick(rnd, ['..', '%2e%2e', '.', '%2F', 'a%2Fb', '%5C']);
    case 3: return 'k'.repeat(pick(rnd, [101, 254, 255, 800, 1025, 3000]));
    case 4: return pick(rnd, ['__proto__', 'constructor', 'prototype', '_system', '_users', 'hasOwnProperty']);
    case 5: return encode(JSON.parse(`"${stringBody(rnd)}"`) as string) || 'x';
    case 6: return pick(rnd, ['日本', 'ä', '😀']); // raw non-ASCII bytes on the request line
    case 7: return pick(rnd, ['a b', 'a\tb', 'a"b', 'a<b', 'a{b', 'a|b', 'a^b', '#frag', 'a;b=c']);
    default: return encode(pick(rnd, ["a:b", "k'1", 'x@y', '(k)', 'a+b', 'a=b', '$k', '!*']));
  }
}

function paramValue(rnd: Rnd, before: string | null, names: Names, destructive: boolean): string {
  // Region names would let a destructive route act (kill, restart); it only ever gets others.
  if (destructive || chance(rnd, 0.3)) return garbageSegment(rnd);
  switch (before) {
    case '_fabric': case 'database': return '_system';
    case 'document': case 'collection': case 'export': case 'kv': return pick(rnd, names.collections);
    case 'index': return chance(rnd, 0.5) ? pick(rnd, names.collections) : `${pick(rnd, names.collections)}%2F${int(rnd, 200)}`;
    case 'execute': case 'restql': return pick(rnd, names.queries);
    case 'cursor': return String(int(rnd, 100));
    case 'datacenter': case 'links': return pick(rnd, names.regions);
    default: return pick(rnd, [...names.keys, ...names.collections]);
  }
}

/** The path as a client writes it, in one of the forms of spec/gdn-api.md §1.2. */
function pathForm(rnd: Rnd, shape: RouteShape, rest: string): string {
  const tenant = chance(rnd, 0.3) ? `/_tenant/${pick(rnd, ['_mm', 'demo_example.com', garbageSegment(rnd)])}` : '';
  const api = chance(rnd, 0.7) ? '/_api' : '';
  let p: string;
  if (shape.absolute) p = chance(rnd, 0.6) ? `${tenant}/${rest}` : `${tenant}${chance(rnd, 0.5) ? '/_fabric/_system' : ''}/_api/${rest}`;
  else p = chance(rnd, 0.5) ? `${tenant}/_fabric/${chance(rnd, 0.9) ? '_system' : garbageSegment(rnd)}${api}/${rest}` : `${tenant}${api}/${rest}`;
  if (chance(rnd, 0.1)) p += '/';
  if (chance(rnd, 0.05)) p = p.replace(/\//g, '//');
  return p;
}

function queryString(rnd: Rnd): string {
  if (chance(rnd, 0.5)) return chance(rnd, 0.1) ? '?' : '';
  const parts = Array.from({ length: 1 + int(rnd, 3) }, () => `${pick(rnd, QUERY_NAMES)}=${chance(rnd, 0.8) ? pick(rnd, QUERY_VALUES) : garbageSegment(rnd)}`);
  return `?${parts.join('&')}`;
}

const seeds = seedQueries();

function c8ql(rnd: Rnd): string {
  const base = pick(rnd, seeds);
  const q = chance(rnd, 0.25) ? randomQuery(rnd) : chance(rnd, 0.8) ? mutate(base.query, rnd) : base.query;
  return JSON.stringify(q);
}

/** A body made for the route: the resource it names decides which shape is likely to get past validation. */
function bodyFor(rnd: Rnd, shape: RouteShape, names: Names): string {
  const path = shape.segments.join('/');
  if (/cursor|query|restql\/execute/.test(path) && shape.method === 'POST') {
    const base = pick(rnd, seeds);
    const bind = chance(rnd, 0.7) ? JSON.stringify(base.bindVars) : jsonObject(rnd, 2, { value: '1', '@coll': '"users"' });
    return jsonObject(rnd, 1, { query: c8ql(rnd), bindVars: bind, batchSize: pick(rnd, ['1', '2', '1000', '0', '-1', '"x"']), count: pick(rnd, ['true', 'false', '1']) });
  }
  if (path.startsWith('restql')) return jsonObject(rnd, 1, { query: jsonObject(rnd, 1, { name: JSON.stringify(pick(rnd, names.queries)), value: c8ql(rnd), parameter: jsonObject(rnd, 1) }) });
  if (path.startsWith('index')) {
    return jsonObject(rnd, 1, { type: JSON.stringify(pick(rnd, ['persistent', 'hash', 'skiplist', 'ttl', 'geo', 'fulltext', 'btree'])), fields: `[${Array.from({ length: int(rnd, 3) }, () => JSON.stringify(pick(rnd, ['a', 'b', 'a.b', 'n', 'a\u0000b', '', 'x[*]']))).join(',')}]` });
  }
  if (path.startsWith('collection')) return jsonObject(rnd, 1, { name: chance(rnd, 0.7) ? JSON.stringify(pick(rnd, ['fz', 'fz2', ...names.collections])) : jsonString(rnd) });
  if (path.startsWith('document')) {
    const doc = () => jsonObject(rnd, 3, chance(rnd, 0.6) ? { _key: JSON.stringify(pick(rnd, names.keys)) } : {});
    return chance(rnd, 0.3) ? `[${Array.from({ length: int(rnd, 4) }, doc).join(',')}]` : doc();
  }
  return jsonValue(rnd, 3);
}

/** One request; `host` is what a well-formed request names in Host. */
export function fuzzRequest(rnd: Rnd, shape: RouteShape, names: Names, host: string): FuzzRequest {
  const destructive = shape.destructive;
  let method = chance(rnd, 0.8) ? shape.method : pick(rnd, METHODS);
  if (!destructive && chance(rnd, 0.03)) method = pick(rnd, ODD_METHODS);
  let rest = '';
  shape.segments.forEach((s, i) => {
    rest += `${i === 0 ? '' : '/'}${s ?? paramValue(rnd, shape.segments[i - 1] ?? null, names, destructive)}`;
  });
  const target = `${pathForm(rnd, shape, rest)}${queryString(rnd)}`;

  let body = '';
  const sendsBody = method !== 'GET' && method !== 'HEAD' ? chance(rnd, 0.9) : chance(rnd, 0.05);
  // Always past the depth limit, which the body parser refuses on every route: a control route that
  // reads no body (reset, heal) would act on anything else.
  if (destructive) body = deepJson(rnd, true);
  else if (sendsBody) {
    const good = bodyFor(rnd, shape, names);
    const r = rnd();
    body = r < 0.75 ? good : r < 0.85 ? brokenJson(rnd, good) : r < 0.93 ? deepJson(rnd) : r < 0.97 ? `${good.slice(0, -1)}${good.length > 2 ? ',' : ''}"pad":"${'x'.repeat(300_000)}"}` : '';
  }
  const headers: string[] = [];
  headers.push(`Host: ${chance(rnd, 0.97) ? host : pick(rnd, ['attacker.example', '', 'localhost.evil.example', '[::1]:1', 'a b'])}`);
  if (body !== '' || chance(rnd, 0.3)) headers.push(`Content-Type: ${pick(rnd, ['application/json', 'application/json', 'text/plain', '', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '*/*', 'garbage;;;'])}`);
  const r = rnd();
  if (r < 0.9) headers.push(`Authorization: apikey ${names.apiKey}`);
  else if (r < 0.97) headers.push(`Authorization: ${pick(rnd, [`APIKEY ${names.apiKey}`, `apikey ${names.apiKey}x`, 'apikey ', 'apikey a.b', 'bearer x.y.z', 'Bearer ', 'Basic cm9vdDo=', '', `apikey ${names.apiKey} ${names.apiKey}`])}`);
  if (chance(rnd, 0.05)) headers.push(`Origin: ${pick(rnd, ['https://attacker.example', 'null', 'http://localhost:3000', 'garbage'])}`);
  if (chance(rnd, 0.05)) headers.push(`If-Match: ${pick(rnd, ['"_0abc"', '*', 'W/"x"', '', '"'])}`);
  if (chance(rnd, 0.05)) headers.push(`If-None-Match: ${pick(rnd, ['"_0abc"', '*', '"'])}`);
  if (chance(rnd, 0.05)) headers.push(`x-gdn-client-region: ${pick(rnd, [...names.regions, 'mars', '', '😀'.normalize()])}`);
  if (chance(rnd, 0.03)) headers.push(`x-gdn-client-location: ${pick(rnd, ['48.8,2.3', '91,0', 'x', '', '1e309,0'])}`);
  if (chance(rnd, 0.02)) headers.push(`X-Big: ${'a'.repeat(pick(rnd, [8000, 20_000]))}`);
  if (chance(rnd, 0.02)) headers.push('Expect: 100-continue');
  if (chance(rnd, 0.02)) headers.push(...pick(rnd, [['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'], ['Upgrade: h2c', 'Connection: Upgrade']]));
  else headers.push('Connection: close');

  const bytes = Buffer.from(body, 'utf8');
  const framing = rnd();
  let overlong = false;
  let payload = bytes;
  if (framing < 0.05 && bytes.length > 0) {
    headers.push('Transfer-Encoding: chunked');
    const cut = int(rnd, bytes.length);
    const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)].filter((c) => c.length > 0);
    payload = Buffer.concat([...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
  } else if (framing < 0.08 && bytes.length > 1) {
    // Shorter than the body: the rest reaches the server as the start of another request.
    headers.push(`Content-Length: ${int(rnd, bytes.length)}`);
    overlong = true;
  } else if (bytes.length > 0 || chance(rnd, 0.2)) {
    headers.push(`Content-Length: ${bytes.length}`);
  }
  const head = Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8');
  // A GET or HEAD drawn for a state-changing route reaches its read-only twin (GET /_emu/clock), which may answer.
  const changes = destructive && method !== 'GET' && method !== 'HEAD';
  return { bytes: Buffer.concat([head, payload]), method, line: `${method} ${target.length > 160 ? `${target.slice(0, 160)}…` : target}`, destructive: changes, overlong };
}
