import type { Expr, Statement } from './ast.js';
import type { ScanFilter, ScanOperator, ScanSort, ScanSpec } from './datasource.js';
import { evaluate } from './evaluator.js';
import type { Runtime } from './runtime.js';
import { isConstant } from './validate.js';

/**
 * A push-down candidate: `FOR x IN collection` followed by simple FILTERs, then (only for a
 * leading loop, whose input is a single row) a SORT on attributes of x and a constant LIMIT.
 * `consumed` counts the statements after the FOR that the scan node takes over; the executor
 * re-applies whichever of them the data source did not apply.
 */
export interface ScanPlan {
  collection: string;
  variable: string;
  spec: ScanSpec;
  filters: Extract<Statement, { type: 'filter' }>[];
  sort: Extract<Statement, { type: 'sort' }> | null;
  limit: Extract<Statement, { type: 'limit' }> | null;
  consumed: number;
}

const FLIP: Record<string, ScanOperator> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `x.a.b` with literal attribute names → ["a", "b"]; null for anything else. */
function attributePath(e: Expr, variable: string): string[] | null {
  const path: string[] = [];
  let cur = e;
  while (cur.type === 'attr') {
    if (typeof cur.name !== 'string') return null;
    path.unshift(cur.name);
    cur = cur.object;
  }
  return cur.type === 'variable' && cur.name === variable && path.length > 0 ? path : null;
}

function simpleFilter(rt: Runtime, e: Expr, variable: string, out: ScanFilter[]): boolean {
  if (e.type === 'logical' && e.op === '&&') {
    return simpleFilter(rt, e.left, variable, out) && simpleFilter(rt, e.right, variable, out);
  }
  if (e.type !== 'binary') return false;
  const constant = (x: Expr): boolean => isConstant(x);
  const value = (x: Expr): unknown => evaluate(rt, x, Object.create(null) as Record<string, unknown>);
  if (e.op === 'IN') {
    const path = attributePath(e.left, variable);
    if (path === null || !constant(e.right)) return false;
    out.push({ path, op: 'IN', value: value(e.right) });
    return true;
  }
  const op = FLIP[e.op];
  if (op === undefined) return false;
  const leftPath = attributePath(e.left, variable);
  if (leftPath !== null && constant(e.right)) {
    out.push({ path: leftPath, op: e.op as ScanOperator, value: value(e.right) });
    return true;
  }
  const rightPath = attributePath(e.right, variable);
  if (rightPath !== null && constant(e.left)) {
    out.push({ path: rightPath, op, value: value(e.left) });
    return true;
  }
  return false;
}

function constantNumber(rt: Runtime, e: Expr | null): number | null | 'invalid' {
  if (e === null) return null;
  const v = evaluate(rt, e, Object.create(null) as Record<string, unknown>);
  if (v === null) return null;
  return typeof v === 'number' && v >= 0 ? Math.trunc(v) : 'invalid';
}

export function planScan(
  rt: Runtime, statements: Statement[], forIndex: number, collection: string, leading: boolean, allowLimit: boolean,
): ScanPlan {
  const st = statements[forIndex] as Extract<Statement, { type: 'for' }>;
  const plan: ScanPlan = {
    collection, variable: st.variable, spec: { filters: [], sort: [], offset: 0, limit: null },
    filters: [], sort: null, limit: null, consumed: 0,
  };
  const filters: ScanFilter[] = [];
  let i = forIndex + 1;
  for (; i < statements.length; i++) {
    const f = statements[i] as Statement;
    if (f.type !== 'filter') break;
    const parts: ScanFilter[] = [];
    if (!simpleFilter(rt, f.expr, st.variable, parts)) break;
    filters.push(...parts);
    plan.filters.push(f);
  }
  let sort: ScanSort[] = [];
  const next = statements[i];
  if (leading && next?.type === 'sort') {
    const keys = next.elements.map((el) => ({ path: attributePath(el.expr, st.variable), dir: el.direction }));
    if (keys.every((k) => k.path !== null && typeof k.dir === 'boolean')) {
      sort = keys.map((k) => ({ path: k.path as string[], ascending: k.dir as boolean }));
      plan.sort = next;
      i++;
    }
  }
  const lim = statements[i];
  let offset = 0;
  let limit: number | null = null;
  if (leading && allowLimit && lim?.type === 'limit' && (plan.sort !== null || sort.length === 0)) {
    const o = constantNumber(rt, lim.offset);
    const c = constantNumber(rt, lim.count);
    if (o !== 'invalid' && c !== 'invalid') {
      offset = o ?? 0;
      limit = c;
      plan.limit = lim;
      i++;
    }
  }
  plan.spec = { filters, sort, offset, limit };
  plan.consumed = i - forIndex - 1;
  return plan;
}
