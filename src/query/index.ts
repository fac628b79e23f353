/**
 * Public API of the C8QL engine: parse, validate (POST /_api/query), explain and execute
 * (POST /_api/cursor) over any QueryDataSource.
 */
import { systemClock } from '../core/clock.js';
import { GdnError } from '../core/errors.js';
import type { Query, Statement } from './ast.js';
import type { QueryDataSource, ScanSpec } from './datasource.js';
import { callFunction } from './evaluator.js';
import { runQuery } from './executor.js';
import { MAX_QUERY_DEPTH, parseQuery } from './parser.js';
import { planScan } from './plan.js';
import { DEFAULT_LIMITS, Runtime, type QueryStats, type QueryWarning, type ResourceLimits, type Row, type RunControl } from './runtime.js';
import { cloneValue } from './types.js';
import { analyzeQuery, checkCollectionName, type QueryInfo } from './validate.js';

export type { Query, Statement, Expr } from './ast.js';
export type { Document, QueryDataSource, ScanFilter, ScanOperator, ScanResult, ScanSort, ScanSpec, WriteOptions, WriteResult } from './datasource.js';
export type { QueryStats, QueryWarning, ResourceLimits, RunControl } from './runtime.js';
export { DEFAULT_LIMITS, QuerySliceExceeded } from './runtime.js';
export { compareValues, valuesEqual, truthy, toNumber, toStringValue, typeName } from './types.js';

export interface ExecuteOptions {
  /** Report in stats.fullCount the number of rows before the last top-level LIMIT. */
  fullCount?: boolean;
  limits?: Partial<ResourceLimits>;
  /** Values for CURRENT_USER(), CURRENT_USER_ATTRIBUTE(), CURRENT_APIKEY_ATTRIBUTE(). */
  user?: { name?: string | null; attributes?: Record<string, unknown>; apiKeyAttributes?: Record<string, unknown> };
  /** Value of CURRENT_DATABASE(). */
  database?: string;
  /** The PoP's clock, read by DATE_NOW() (epoch ms); by default real time. */
  now?: () => number;
  /** A kill switch and a time slice (RunControl). */
  control?: RunControl;
}

export interface ExecuteResult {
  result: unknown[];
  warnings: QueryWarning[];
  stats: QueryStats;
}

export interface ValidateResult {
  collections: string[];
  bindVars: string[];
  ast: Query;
}

export interface PlanNode {
  type: string;
  /** Human-readable summary of the node, e.g. "FOR u IN users". */
  description: string;
  collection?: string;
  /** Parts of the following statements offered to the data source's scan(). */
  pushdown?: ScanSpec;
}

export interface ExplainResult {
  plan: { nodes: PlanNode[]; collections: string[]; variables: string[] };
  warnings: QueryWarning[];
  stats: { plansCreated: number };
}

/** Parses a query into its AST; throws GdnError 1501 (syntax) or 1502 (empty). */
export function parse(query: string): Query {
  return parseQuery(query).query;
}

/** Parses and checks a query without bind values or data (the POST /_api/query contract). */
export function validateQuery(query: string): ValidateResult {
  const a = analyzed(query);
  return { collections: [...a.info.collections], bindVars: [...a.info.bindVars], ast: a.query };
}

/**
 * Whether a query writes: an INSERT, UPDATE, REPLACE, REMOVE or UPSERT anywhere in it, subqueries
 * included. Throws the query's syntax or analysis error, as running it would.
 */
export function queryWrites(query: string): boolean {
  return analyzed(query).info.modifies;
}

function bindAttributeNames(q: Query): Set<string> {
  const out = new Set<string>();
  const visit = (statements: Statement[]): void => {
    const exprs = statements.flatMap((s) => Object.values(s).filter((v) => typeof v === 'object' && v !== null));
    const scan = (v: unknown): void => {
      if (Array.isArray(v)) { v.forEach(scan); return; }
      if (typeof v !== 'object' || v === null) return;
      const node = v as { type?: string; name?: unknown; query?: Query };
      if (node.type === 'attr' && typeof node.name === 'object' && node.name !== null) {
        out.add((node.name as { name: string }).name);
      }
      if (node.type === 'subquery' && node.query) visit(node.query.statements);
      for (const child of Object.values(node)) if (typeof child === 'object') scan(child);
    };
    exprs.forEach(scan);
  };
  visit(q.statements);
  return out;
}

function invalidBind(name: string): GdnError {
  return new GdnError('QUERY_BIND_PARAMETER_TYPE', `bind parameter '${name}' has an invalid value or type`);
}

/** 1550/1551/1552/1553/1208 checks, in ArangoDB's order (missing before undeclared). */
function checkBindVars(bindAttributes: ReadonlySet<string>, info: QueryInfo, bindVars: unknown): Record<string, unknown> {
  if (bindVars === undefined || bindVars === null) bindVars = {};
  if (typeof bindVars !== 'object' || Array.isArray(bindVars)) throw new GdnError('QUERY_BIND_PARAMETERS_INVALID');
  const bind = bindVars as Record<string, unknown>;
  for (const name of info.bindVars) {
    if (!Object.hasOwn(bind, name)) {
      throw new GdnError('QUERY_BIND_PARAMETER_MISSING', `no value specified for declared bind parameter '${name}'`);
    }
  }
  for (const name of Object.keys(bind)) {
    if (!info.bindVars.includes(name)) {
      throw new GdnError('QUERY_BIND_PARAMETER_UNDECLARED', `bind parameter '${name}' was not declared in the query`);
    }
  }
  for (const name of info.bindVars) {
    if (!name.startsWith('@')) continue;
    const v = bind[name];
    if (typeof v !== 'string') throw invalidBind(name);
    checkCollectionName(v);
  }
  for (const name of bindAttributes) {
    const v = bind[name];
    const ok = (typeof v === 'string' && v !== '')
      || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== ''));
    if (!ok) throw invalidBind(name);
  }
  return bind;
}

interface Prepared {
  query: Query;
  info: QueryInfo;
  bind: Record<string, unknown>;
  warnings: QueryWarning[];
}

interface Analyzed {
  /** The resolved query (validate.ts), deeply frozen: no run can leave state in it for the next. */
  query: Query;
  info: QueryInfo;
  /** Bind parameters used as attribute names (`doc.@attr`), which must hold strings. */
  bindAttributes: ReadonlySet<string>;
  warnings: readonly QueryWarning[];
}

/** Freezes a tree of plain objects and arrays, so a stage that writes into a shared AST throws. */
function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const child of Object.values(v)) deepFreeze(child);
  return Object.freeze(v);
}

/**
 * Parsed and analysed queries by text. Applications run the same few query texts over and over
 * with different bind values, and parsing costs more than an indexed lookup. Analysis resolves
 * into a copy and execution only reads it (per-run state lives in the Runtime), so one tree is
 * shared; it is frozen to keep it so. Least recently used entries go first.
 */
const analyzedCache = new Map<string, Analyzed>();
const CACHE_SIZE = 256;

function analyzed(text: string): Analyzed {
  const hit = analyzedCache.get(text);
  if (hit) {
    analyzedCache.delete(text);
    analyzedCache.set(text, hit);
    return hit;
  }
  const parsed = parseQuery(text);
  const { query, info } = analyzeQuery(parsed.query);
  const entry: Analyzed = deepFreeze({ query, info, bindAttributes: bindAttributeNames(query), warnings: [...parsed.warnings] });
  analyzedCache.set(text, entry);
  if (analyzedCache.size > CACHE_SIZE) analyzedCache.delete(analyzedCache.keys().next().value as string);
  return entry;
}

/** The bind parameters a query declares (`@@c` as `@c`), from the same cache executeQuery uses. */
export function declaredBindVars(query: string): readonly string[] {
  return analyzed(query).info.bindVars;
}

function prepare(text: string, bindVars: unknown, source: QueryDataSource | null): Prepared {
  const parsed = analyzed(text);
  const info = parsed.info;
  const bind = checkBindVars(parsed.bindAttributes, info, bindVars);
  const names = [...info.collections, ...info.bindVars.filter((n) => n.startsWith('@')).map((n) => bind[n] as string)];
  for (const name of names) {
    if (source === null || !source.hasCollection(name)) {
      throw new GdnError('DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`);
    }
  }
  return { query: parsed.query, info, bind, warnings: [...parsed.warnings] };
}

function makeRuntime(p: Prepared, source: QueryDataSource | null, options: ExecuteOptions): Runtime {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let calls = 0;
  const rt: Runtime = new Runtime(p.bind, source, limits, p.info.modifies, {
    user: {
      name: options.user?.name ?? null,
      attributes: options.user?.attributes ?? {},
      apiKeyAttributes: options.user?.apiKeyAttributes ?? {},
    },
    database: options.database ?? '_system',
    now: options.now ?? (() => systemClock.now()),
  }, (name, args) => {
    // CALL("CALL", "CALL", ...) recurses once per name: bounded like any other nesting.
    if (++calls > MAX_QUERY_DEPTH) throw new GdnError('QUERY_TOO_MUCH_NESTING', `CALL and APPLY are nested more than ${MAX_QUERY_DEPTH} levels deep`);
    try {
      return callFunction(rt, name, args);
    } finally {
      calls--;
    }
  }, options.control);
  for (const w of p.warnings) rt.warn(w.code, w.message);
  return rt;
}

/**
 * Runs a query. `source` may be null for queries that touch no collection. Throws GdnError for
 * every failure; warnings (1542, 1562, ...) are returned instead of failing, as AQL does.
 */
export function executeQuery(query: string, bindVars: Record<string, unknown> | undefined, source: QueryDataSource | null, options: ExecuteOptions = {}): ExecuteResult {
  return withinStack(() => {
    const p = prepare(query, bindVars, source);
    const rt = makeRuntime(p, source, options);
    const result = runQuery(p.query, rt, Object.create(null) as Row, { fullCount: options.fullCount === true });
    if (options.fullCount && rt.stats.fullCount === undefined) rt.stats.fullCount = result.length;
    return { result: result === rt.freshResult ? result : result.map((r) => cloneValue(r)), warnings: rt.warnings, stats: { ...rt.stats } };
  });
}

/**
 * The engine recurses along the nesting of a query's values, and LETs can nest a value deeper than
 * any parse limit bounds (each may wrap the one before). Running out of stack there is that
 * nesting, and is answered as such (1524) instead of as an internal error.
 */
function withinStack<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new GdnError('QUERY_TOO_MUCH_NESTING', 'too much nesting: this query nests its statements or values too deeply to run');
    }
    throw e;
  }
}

function describe(st: Statement): PlanNode {
  switch (st.type) {
    case 'for': return { type: st.source.type === 'collection' || st.source.type === 'bindCollection' ? 'EnumerateCollectionNode' : 'EnumerateListNode', description: `FOR ${st.variable} IN ...` };
    case 'let': return { type: 'CalculationNode', description: `LET ${st.variable} = ...` };
    case 'filter': return { type: 'FilterNode', description: 'FILTER ...' };
    case 'sort': return { type: 'SortNode', description: `SORT (${st.elements.length} keys)` };
    case 'limit': return { type: 'LimitNode', description: 'LIMIT ...' };
    case 'collect': return { type: 'CollectNode', description: `COLLECT ${st.groups.map((g) => g.variable).join(', ')}` };
    case 'return': return { type: 'ReturnNode', description: st.distinct ? 'RETURN DISTINCT ...' : 'RETURN ...' };
    default: return { type: `${st.type[0]?.toUpperCase()}${st.type.slice(1)}Node`, description: `${st.type.toUpperCase()} ... IN ${st.collection.name}`, collection: st.collection.name };
  }
}

/** Describes how a query would run, including which statements are offered for push-down. */
export function explainQuery(query: string, bindVars: Record<string, unknown> | undefined, source: QueryDataSource | null): ExplainResult {
  return withinStack(() => explainPrepared(query, bindVars, source));
}

function explainPrepared(query: string, bindVars: Record<string, unknown> | undefined, source: QueryDataSource | null): ExplainResult {
  const p = prepare(query, bindVars, source);
  const rt = makeRuntime(p, source, {});
  const nodes: PlanNode[] = [{ type: 'SingletonNode', description: 'ROOT' }];
  const list = p.query.statements;
  const variables: string[] = [];
  let leading = true;
  for (let i = 0; i < list.length; i++) {
    const st = list[i] as Statement;
    const node = describe(st);
    if (st.type === 'for' || st.type === 'let') variables.push(st.variable);
    if (st.type === 'for') {
      const coll = st.source.type === 'collection' ? st.source.name
        : st.source.type === 'bindCollection' ? (p.bind[`@${st.source.name}`] as string) : null;
      if (coll !== null) {
        node.collection = coll;
        node.description = `FOR ${st.variable} IN ${coll}`;
        const plan = planScan(rt, list, i, coll, leading, true);
        if (plan.consumed > 0) node.pushdown = plan.spec;
      }
      leading = false;
    }
    if (st.type === 'collect' || st.type === 'insert' || st.type === 'update' || st.type === 'replace' || st.type === 'remove' || st.type === 'upsert') leading = false;
    nodes.push(node);
  }
  return { plan: { nodes, collections: p.info.collections, variables }, warnings: rt.warnings, stats: { plansCreated: 1 } };
}

