import { GdnError } from '../core/errors.js';
import type { Expr, Query, Statement } from './ast.js';
import { isModification } from './ast.js';
import type { Document, ScanResult } from './datasource.js';
import { bindCollectionName, callFunction, evaluate, installSubqueryRunner } from './evaluator.js';
import { uniqueValues } from './functions/arrays.js';
import { executeModification } from './modify.js';
import { planScan, type ScanPlan } from './plan.js';
import { approxSize, extendRow, type Row, type Runtime } from './runtime.js';
import { compareValues, isObject, toJson, truthy, typeName } from './types.js';

type Rows = Iterable<Row>;

/** What a row held by SORT or COLLECT costs besides its keys (the row object and its slot). */
const ROW_BYTES = 64;

export interface RunOptions {
  /** Count rows before the last top-level LIMIT (stats.fullCount). */
  fullCount: boolean;
}

function* filterRows(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'filter' }>): Rows {
  for (const row of rows) {
    if (truthy(evaluate(rt, st.expr, row))) yield row;
    else rt.stats.filtered++;
  }
}

function sortDirection(rt: Runtime, d: boolean | Expr): boolean {
  if (typeof d === 'boolean') return d;
  const v = evaluate(rt, d, Object.create(null) as Row);
  if (typeof v === 'string') return v.toUpperCase() !== 'DESC';
  return v !== false;
}

function sortRows(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'sort' }>): Row[] {
  const dirs = st.elements.map((el) => sortDirection(rt, el.direction));
  const keyed = [...rows].map((row) => {
    rt.tick();
    const keys = st.elements.map((el) => evaluate(rt, el.expr, row));
    rt.hold(ROW_BYTES + approxSize(keys));
    return { row, keys };
  });
  keyed.sort((a, b) => {
    rt.work(1);
    for (let i = 0; i < dirs.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return dirs[i] ? c : -c;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}

function limitValue(rt: Runtime, e: Expr | null, dflt: number | null): number | null {
  if (e === null) return dflt;
  const v = evaluate(rt, e, Object.create(null) as Row);
  if (v === null) return null;
  if (typeof v !== 'number' || v < 0) throw new GdnError('QUERY_NUMBER_OUT_OF_RANGE', 'LIMIT value is not a number or out of range');
  return Math.trunc(v);
}

function* limitRows(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'limit' }>, fullCount: boolean): Rows {
  let offset = limitValue(rt, st.offset, 0) ?? 0;
  const count = limitValue(rt, st.count, null) ?? Infinity;
  let taken = 0;
  let seen = 0;
  for (const row of rows) {
    seen++;
    if (offset > 0) { offset--; continue; }
    if (taken < count) {
      taken++;
      yield row;
    } else if (!fullCount) {
      return;
    }
  }
  if (fullCount) rt.stats.fullCount = seen;
}

/** Canonical text of a value under AQL equality, used as a grouping key. */
function groupKey(v: unknown): string {
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.filter((k) => v[k] !== null).map((k) => `${JSON.stringify(k)}:${groupKey(v[k])}`).join(',')}}`;
  }
  if (Array.isArray(v)) {
    let end = v.length;
    while (end > 0 && (v[end - 1] === null || v[end - 1] === undefined)) end--;
    return `[${v.slice(0, end).map(groupKey).join(',')}]`;
  }
  return toJson(v);
}

function collectRows(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'collect' }>, base: Row): Row[] {
  const groups = new Map<string, { keys: unknown[]; rows: Row[] }>();
  for (const row of rows) {
    rt.tick();
    rt.hold(ROW_BYTES);
    const keys = st.groups.map((g) => evaluate(rt, g.expr, row));
    const k = keys.map(groupKey).join('\u0001');
    let g = groups.get(k);
    if (!g) {
      g = { keys, rows: [] };
      groups.set(k, g);
    }
    g.rows.push(row);
  }
  if (groups.size === 0 && st.groups.length === 0) groups.set('', { keys: [], rows: [] });
  const ordered = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < a.keys.length; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return ordered.map((g) => {
    let out = g.rows[0] ?? base;
    st.groups.forEach((grp, i) => { out = extendRow(out, grp.variable, g.keys[i]); });
    for (const a of st.aggregates) {
      const values = g.rows.map((r) => (a.args[0] ? evaluate(rt, a.args[0], r) : null));
      const fn = a.func === 'COUNT' || a.func === 'LENGTH' ? g.rows.length : callFunction(rt, a.func, [values]);
      out = extendRow(out, a.variable, fn);
    }
    if (st.into) {
      const into = st.into;
      const members = g.rows.map((r) => {
        if (into.expr) return evaluate(rt, into.expr, r);
        const m: Record<string, unknown> = {};
        for (const v of st.intoVariables ?? []) m[v] = r[v] ?? null;
        return m;
      });
      out = extendRow(out, into.variable, members);
    }
    if (st.count) out = extendRow(out, st.count, g.rows.length);
    return out;
  });
}

function forSource(rt: Runtime, st: Extract<Statement, { type: 'for' }>): string | null {
  if (st.source.type === 'collection') return st.source.name;
  if (st.source.type === 'bindCollection') return bindCollectionName(rt, st.source.name);
  return null;
}

function* forArray(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'for' }>): Rows {
  for (const row of rows) {
    const v = evaluate(rt, st.source, row);
    if (!Array.isArray(v)) {
      throw new GdnError('QUERY_ARRAY_EXPECTED',
        `collection or array expected as operand to FOR loop; you provided a value of type '${typeName(v)}'`);
    }
    for (const x of v) {
      rt.tick();
      yield extendRow(row, st.variable, x);
    }
  }
}

function* forCollection(rt: Runtime, rows: Rows, st: Extract<Statement, { type: 'for' }>, plan: ScanPlan | null, fullCount: boolean, prefetched?: ScanResult | null): Rows {
  const source = rt.requireSource();
  for (const row of rows) {
    const scanned = prefetched !== undefined ? prefetched : plan && source.scan ? source.scan(plan.collection, plan.spec) : null;
    const filtersApplied = scanned !== null && scanned.filtersApplied;
    const sortApplied = filtersApplied && (plan?.sort === null || (scanned?.sortApplied ?? false));
    const limitApplied = sortApplied && (scanned?.limitApplied ?? false);
    let docs: Iterable<Document> = scanned ? scanned.documents : source.documents(plan?.collection ?? (forSource(rt, st) as string));
    if (rt.modifies) docs = [...docs];
    let stream: Rows = (function* (): Rows {
      for (const doc of docs) {
        rt.tick();
        if (filtersApplied) rt.stats.scannedIndex++;
        else rt.stats.scannedFull++;
        yield extendRow(row, st.variable, doc);
      }
    })();
    if (plan) {
      if (!filtersApplied) for (const f of plan.filters) stream = filterRows(rt, stream, f);
      if (!sortApplied && plan.sort) stream = sortRows(rt, stream, plan.sort);
      if (!limitApplied && plan.limit) stream = limitRows(rt, stream, plan.limit, fullCount);
    }
    yield* stream;
  }
}

/**
 * `FOR d IN coll [FILTER …] [SORT …] [LIMIT …] RETURN d`, the most common query of all: when the
 * data source applied every FILTER, SORT and LIMIT itself, its documents are the result, with no
 * rows to build or expressions to evaluate. The scan is handed back otherwise, so nothing runs twice.
 */
function directScan(rt: Runtime, list: Statement[], options: RunOptions): { result: unknown[] } | { plan: ScanPlan; scanned: ScanResult | null } | null {
  const st = list[0];
  if (st?.type !== 'for' || rt.modifies || options.fullCount || !rt.source?.scan) return null;
  const coll = forSource(rt, st);
  if (coll === null) return null;
  const plan = planScan(rt, list, 0, coll, true, true);
  const ret = list[1 + plan.consumed];
  if (list.length !== plan.consumed + 2 || ret?.type !== 'return' || ret.distinct || ret.expr.type !== 'variable' || ret.expr.name !== st.variable) return null;
  const scanned = rt.source.scan(plan.collection, plan.spec);
  const complete = scanned !== null && scanned.filtersApplied && (plan.sort === null || scanned.sortApplied) && (plan.limit === null || scanned.limitApplied);
  if (!complete) return { plan, scanned };
  const result: unknown[] = [];
  for (const doc of scanned.documents) {
    rt.tick();
    rt.hold(approxSize(doc));
    rt.stats.scannedIndex++;
    result.push(doc);
  }
  if (scanned.fresh) rt.freshResult = result;
  return { result };
}

/** Runs a statement list for one input row and returns the RETURN values. */
export function runQuery(query: Query, rt: Runtime, outer: Row, options: RunOptions = { fullCount: false }): unknown[] {
  const list = query.statements;
  let rows: Rows = [outer];
  let leading = true;
  const lastLimit = list.map((s) => s.type).lastIndexOf('limit');
  const direct = directScan(rt, list, options);
  if (direct && 'result' in direct) return direct.result;
  for (let i = 0; i < list.length; i++) {
    const st = list[i] as Statement;
    switch (st.type) {
      case 'for': {
        const coll = forSource(rt, st);
        if (coll === null) {
          rows = forArray(rt, rows, st);
        } else {
          const reuse = i === 0 && direct !== null;
          const plan = reuse ? direct.plan : rt.source?.scan ? planScan(rt, list, i, coll, leading, !options.fullCount) : null;
          rows = forCollection(rt, rows, st, plan, options.fullCount && i + (plan?.consumed ?? 0) >= lastLimit, reuse ? direct.scanned : undefined);
          i += plan?.consumed ?? 0;
        }
        leading = false;
        break;
      }
      case 'let': {
        const input = rows;
        rows = (function* (): Rows {
          for (const row of input) yield extendRow(row, st.variable, evaluate(rt, st.expr, row));
        })();
        break;
      }
      case 'filter': rows = filterRows(rt, rows, st); break;
      case 'sort': {
        const input = rows;
        rows = lazy(() => sortRows(rt, input, st));
        break;
      }
      case 'limit': rows = limitRows(rt, rows, st, options.fullCount && i === lastLimit); break;
      case 'collect': {
        const input = rows;
        rows = lazy(() => collectRows(rt, input, st, outer));
        leading = false;
        break;
      }
      case 'return': {
        const out: unknown[] = [];
        for (const row of rows) {
          const v = evaluate(rt, st.expr, row);
          rt.hold(approxSize(v));
          out.push(v);
        }
        return st.distinct ? uniqueValues(out) : out;
      }
      default:
        if (isModification(st)) {
          const input = rows;
          rows = lazy(() => executeModification(rt, st, input));
          leading = false;
        }
    }
  }
  for (const _row of rows) rt.tick(0);
  return [];
}

/** Defers a materialising step until the stream is pulled, keeping statement order intact. */
function lazy(f: () => Row[]): Rows {
  return { [Symbol.iterator]: () => f()[Symbol.iterator]() };
}

installSubqueryRunner((query, rt, row) => runQuery(query, rt, row));
