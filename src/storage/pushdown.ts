import type { Statement } from 'better-sqlite3';
import { compareClocks, NEVER_WRITTEN } from './clocks.js';
import type { Collection } from './collections.js';
import type { Db } from './database.js';
import { extractExpr, jsonPath, liveRows, typeExpr } from './json-sql.js';
import { StatementCache } from './statements.js';

/**
 * Reads documents with comparisons on their JSON attributes compiled into SQL, keeping the
 * comparison semantics of C8QL (spec/c8ql.md §2.1, §6): a missing attribute is null; values of
 * different types never compare equal and order null < bool < number < string < array < object;
 * strings order by a collation SQLite does not have. SQLite's own semantics differ on every one of
 * these points (json_extract gives 1 for true, NULL for null and missing, TEXT for containers), so
 * each condition carries a json_type guard. A condition SQL cannot express exactly is compiled to
 * a superset and the result says so (`exact: false`), for the caller to re-check.
 *
 * The SQL repeats `cid = <literal> AND deleted = 0` and `json_extract(body, '<literal path>')`
 * exactly as the partial expression indexes of indexes.ts spell them, so SQLite uses them.
 */
export type ScanOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';

export interface JsonCondition {
  readonly path: readonly string[];
  readonly op: ScanOp;
  readonly value: unknown;
}

export interface JsonOrder {
  readonly path: readonly string[];
  readonly ascending: boolean;
}

/** A conjunction of conditions, then an order, then offset/limit (`limit: null` = unbounded). */
export interface JsonScanRequest {
  readonly conditions: readonly JsonCondition[];
  readonly order: readonly JsonOrder[];
  readonly offset: number;
  readonly limit: number | null;
}

/** Which parts were applied exactly; documents keep collection order (documents.ts) unless `sorted`. */
export interface JsonScanResult {
  readonly documents: Iterable<Doc>;
  readonly exact: boolean;
  readonly sorted: boolean;
  readonly limited: boolean;
}

type Doc = Record<string, unknown>;

interface Cond {
  sql: string;
  params: unknown[];
  exact: boolean;
}

const CHUNK = 1000;
const MAX_IN = 500;
const TYPES_BY_RANK = [['null'], ['true', 'false'], ['integer', 'real'], ['text'], ['array'], ['object']];
const SUPERSET: Cond = { sql: '1', params: [], exact: false };
const NONE: Cond = { sql: '0', params: [], exact: true };
const RANK_CASE = (jt: string): string =>
  `CASE ${jt} WHEN 'null' THEN 0 WHEN 'true' THEN 1 WHEN 'false' THEN 1 WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 3 WHEN 'array' THEN 4 ELSE 5 END`;

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  return Array.isArray(v) ? 4 : 5;
}

const quoted = (types: string[]): string => types.map((t) => `'${t}'`).join(', ');

function readPath(doc: Doc, path: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const p of path) cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) && Object.hasOwn(cur, p) ? (cur as Doc)[p] : null;
  return cur ?? null;
}

function mayLookLikeContainer(v: unknown): boolean {
  return typeof v === 'string' && (v.startsWith('[') || v.startsWith('{'));
}

/** `negatable`: the result will be wrapped in NOT, so it must never be NULL (a bare `je = ?` is, for a missing attribute). */
function equality(je: string, jt: string, v: unknown, negatable = false): Cond {
  switch (rank(v)) {
    case 0: return { sql: `${jt} = 'null'`, params: [], exact: true };
    case 1: return { sql: `${jt} = '${String(v)}'`, params: [], exact: true };
    case 2: return { sql: `${je} = ? AND ${jt} IN ('integer', 'real')`, params: [v], exact: true };
    // json_extract gives arrays and objects as JSON text, so only a string that could be such
    // text needs the type guard; any other string can only equal a JSON string.
    case 3: return { sql: negatable || mayLookLikeContainer(v) ? `${je} = ? AND ${jt} = 'text'` : `${je} = ?`, params: [v], exact: true };
    default: return { sql: `${jt} = '${Array.isArray(v) ? 'array' : 'object'}'`, params: [], exact: false };
  }
}

function range(je: string, jt: string, op: '<' | '<=' | '>' | '>=', v: unknown): Cond {
  const r = rank(v);
  const below = op === '<' || op === '<=';
  const inclusive = op === '<=' || op === '>=';
  // Numbers against a number: SQLite orders TEXT (strings, and containers as JSON text) above
  // every number and NULL nowhere, which is AQL's order once booleans are excluded; index-friendly.
  if (r === 2 && !below) return { sql: `${je} ${op} ? AND ${jt} NOT IN ('true', 'false')`, params: [v], exact: true };
  const others = TYPES_BY_RANK.filter((_, i) => (below ? i < r : i > r)).flat();
  const parts: string[] = others.length > 0 ? [`${jt} IN (${quoted(others)})`] : [];
  const params: unknown[] = [];
  let exact = true;
  if (r === 0) {
    if (inclusive) parts.push(`${jt} = 'null'`);
  } else if (r === 1 || r === 2) {
    parts.push(`${jt} IN (${quoted(TYPES_BY_RANK[r] as string[])}) AND ${je} ${op} ?`);
    params.push(r === 1 ? Number(v) : v);
  } else {
    // Strings order by ICU collation, containers element-wise: keep the whole type, re-check later.
    parts.push(`${jt} = '${(TYPES_BY_RANK[r] as string[])[0]}'`);
    exact = false;
  }
  return parts.length === 0 ? NONE : { sql: parts.map((p) => `(${p})`).join(' OR '), params, exact };
}

function membership(je: string, jt: string, list: unknown): Cond {
  if (!Array.isArray(list)) return NONE;
  if (list.length > MAX_IN) return SUPERSET;
  const parts: string[] = [];
  const params: unknown[] = [];
  let exact = true;
  const byRank = (r: number) => list.filter((x) => rank(x) === r);
  if (byRank(0).length > 0) parts.push(`${jt} = 'null'`);
  const bools = [...new Set(byRank(1).map(String))];
  if (bools.length > 0) parts.push(`${jt} IN (${quoted(bools)})`);
  for (const [r, types] of [[2, "'integer', 'real'"], [3, "'text'"]] as const) {
    const xs = byRank(r);
    if (xs.length === 0) continue;
    parts.push(`${je} IN (${xs.map(() => '?').join(', ')}) AND ${jt} IN (${types})`);
    params.push(...xs);
  }
  for (const r of [4, 5]) {
    if (byRank(r).length === 0) continue;
    parts.push(`${jt} = '${(TYPES_BY_RANK[r] as string[])[0]}'`);
    exact = false;
  }
  return parts.length === 0 ? NONE : { sql: parts.map((p) => `(${p})`).join(' OR '), params, exact };
}

/** `_key` lives in its own indexed column and is always a string. */
function keyCondition(op: ScanOp, v: unknown): Cond | null {
  if (op === '==') return typeof v === 'string' ? { sql: 'key = ?', params: [v], exact: true } : NONE;
  if (op === 'IN') {
    if (!Array.isArray(v)) return NONE;
    const keys = v.filter((x): x is string => typeof x === 'string');
    if (keys.length === 0) return NONE;
    return keys.length > MAX_IN ? SUPERSET : { sql: `key IN (${keys.map(() => '?').join(', ')})`, params: keys, exact: true };
  }
  return null;
}

/**
 * `boundedBelow`: the conjunction also holds `> number` or `>= number` on this path, which
 * already excludes null, booleans and numbers below; a `<`/`<=` number then only has to exclude
 * TEXT, which plain SQL `<` does, so the pair becomes one index range.
 */
function compile(c: JsonCondition, boundedBelow: boolean): Cond | null {
  if (c.path.length === 1 && c.path[0] === '_key') {
    const k = keyCondition(c.op, c.value);
    if (k) return k;
  }
  const path = jsonPath(c.path);
  if (path === null) return null;
  const je = extractExpr(path);
  const jt = typeExpr(path);
  if (boundedBelow && (c.op === '<' || c.op === '<=') && rank(c.value) === 2) return { sql: `${je} ${c.op} ?`, params: [c.value], exact: true };
  switch (c.op) {
    case '==': return equality(je, jt, c.value);
    case '!=': {
      const eq = equality(je, jt, c.value, true);
      return eq.exact ? { sql: `NOT (${eq.sql})`, params: eq.params, exact: true } : SUPERSET;
    }
    case 'IN': return membership(je, jt, c.value);
    default: return range(je, jt, c.op, c.value);
  }
}

/** Push-down reads over one PoP's documents table. */
export class DocumentScanner {
  private readonly statements: StatementCache;
  private readonly shapes = new Map<string, { where: string; exact: boolean; recipe: ('none' | 'value' | 'number')[]; matching?: Map<number, Statement> }>();

  constructor(db: Db) {
    this.statements = new StatementCache(db);
  }

  /** Every live document of a collection in collection order, read in chunks so no statement stays open. */
  all(c: Collection): Iterable<Doc> {
    return this.chunks(c.id, '1', []);
  }

  /** Null when a path cannot be expressed in SQL; the caller then reads `all()` itself. */
  scan(c: Collection, req: JsonScanRequest): JsonScanResult | null {
    const compiled = this.where(req.conditions);
    if (compiled === null) return null;
    const { where, params, exact, shape } = compiled;
    const window = req.limit === null ? -1 : req.offset + req.limit;
    const paths = req.order.map((o) => jsonPath(o.path));
    if (exact && req.order.length > 0 && paths.every((p) => p !== null)) {
      const keys = req.order.map((o, i) => {
        const dir = o.ascending ? 'ASC' : 'DESC';
        return `${RANK_CASE(typeExpr(paths[i] as string))} ${dir}, ${extractExpr(paths[i] as string)} ${dir}`;
      });
      const sql = `SELECT body FROM documents WHERE ${liveRows(c.id)} AND ${where} ORDER BY ${keys.join(', ')}, ord LIMIT ?`;
      const docs = (this.stmt(sql).pluck().all(...params, window) as string[]).map((b) => JSON.parse(b) as Doc);
      // SQL orders within strings and containers differently from AQL; if none is among the rows
      // taken, every row outside the window sorts after them in AQL too, so the window is right.
      const orderSafe = docs.every((d) => req.order.every((o) => rank(readPath(d, o.path)) <= 2));
      if (orderSafe) return { documents: docs.slice(req.offset), exact, sorted: true, limited: true };
    }
    if (exact && req.order.length === 0 && (req.limit !== null || req.offset > 0)) {
      const sql = `SELECT body FROM documents WHERE ${liveRows(c.id)} AND ${where} ORDER BY ord LIMIT ? OFFSET ?`;
      const docs = (this.stmt(sql).pluck().all(...params, window === -1 ? -1 : req.limit, req.offset) as string[]).map((b) => JSON.parse(b) as Doc);
      return { documents: docs, exact, sorted: true, limited: true };
    }
    if (req.conditions.length === 0) return { documents: this.chunks(c.id, where, params), exact, sorted: req.order.length === 0, limited: false };
    // The shape's statement is kept with it: building the SQL text and looking it up costs more than an indexed read.
    let stmt = shape?.matching?.get(c.id);
    if (!stmt) {
      stmt = this.matchingStatement(c.id, where);
      if (shape) (shape.matching ??= new Map()).set(c.id, stmt);
    }
    return { documents: this.matching(stmt, params), exact, sorted: req.order.length === 0, limited: false };
  }

  /**
   * The WHERE clause of a conjunction. Applications repeat the same query shapes with other values,
   * so the SQL of a shape (paths, operators and value types) is compiled once and cached with a
   * recipe that rebuilds the parameters from the new values. IN lists and container values vary
   * the SQL itself and are compiled every time.
   */
  private where(conditions: readonly JsonCondition[]): { where: string; params: unknown[]; exact: boolean; shape?: { matching?: Map<number, Statement> } } | null {
    let key: string | undefined = '';
    for (const x of conditions) {
      const r = rank(x.value);
      if (x.op === 'IN' || r > 3) {
        key = undefined;
        break;
      }
      key += `${x.path.join('\u0001')}\u0002${x.op}${r === 1 ? String(x.value) : mayLookLikeContainer(x.value) ? 'c' : r};`;
    }
    const cached = key === undefined ? undefined : this.shapes.get(key);
    if (cached) {
      const params: unknown[] = [];
      cached.recipe.forEach((how, i) => {
        if (how !== 'none') params.push(how === 'value' ? conditions[i]!.value : Number(conditions[i]!.value));
      });
      return { where: cached.where, params, exact: cached.exact, shape: cached };
    }
    const conds: Cond[] = [];
    const lowerBounded = new Set(conditions
      .filter((x) => (x.op === '>' || x.op === '>=') && rank(x.value) === 2)
      .map((x) => JSON.stringify(x.path)));
    for (const cond of conditions) {
      const one = compile(cond, lowerBounded.has(JSON.stringify(cond.path)));
      if (one === null) return null;
      conds.push(one);
    }
    const where = conds.length === 0 ? '1' : conds.map((x) => `(${x.sql})`).join(' AND ');
    const exact = conds.every((x) => x.exact);
    if (key !== undefined && conds.every((x) => x.params.length <= 1)) {
      if (this.shapes.size > 1000) this.shapes.clear();
      const recipe = conds.map((x, i) => (x.params.length === 0 ? 'none' : x.params[0] === conditions[i]!.value ? 'value' : 'number') as 'none' | 'value' | 'number');
      const shape: { where: string; exact: boolean; recipe: ('none' | 'value' | 'number')[]; matching?: Map<number, Statement> } = { where, exact, recipe };
      this.shapes.set(key, shape);
      return { where, params: conds.flatMap((x) => x.params), exact, shape };
    }
    return { where, params: conds.flatMap((x) => x.params), exact };
  }

  /**
   * Filtered rows in collection order. ORDER BY ord in SQL would make the planner walk
   * documents_order instead of using an attribute index, so the order is restored here.
   */
  private matchingStatement(cid: number, where: string): Statement {
    return this.stmt(`SELECT ord, body FROM documents WHERE ${liveRows(cid)} AND ${where}`);
  }

  private matching(stmt: Statement, params: unknown[]): Doc[] {
    const rows = stmt.all(...params) as { ord: string; body: string }[];
    rows.sort((a, b) => compareClocks(a.ord, b.ord));
    return rows.map((r) => JSON.parse(r.body) as Doc);
  }

  /** Keyset pages over documents_order: ord is unique among a collection's live documents (each is a distinct write's clock). */
  private *chunks(cid: number, where: string, params: unknown[]): Generator<Doc> {
    const stmt = this.stmt(`SELECT ord, body FROM documents WHERE ${liveRows(cid)} AND ${where} AND ord > ? ORDER BY ord LIMIT ${CHUNK}`);
    let last = NEVER_WRITTEN;
    for (;;) {
      const rows = stmt.all(...params, last) as { ord: string; body: string }[];
      for (const r of rows) yield JSON.parse(r.body) as Doc;
      if (rows.length < CHUNK) return;
      last = (rows[rows.length - 1] as { ord: string }).ord;
    }
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }
}
