import { GdnError } from '../core/errors.js';
import type { BinaryOp, Expr, Query } from './ast.js';
import { FUNCTIONS } from './functions/registry.js';
import { makeRange } from './functions/numeric.js';
import { compileRegex } from './functions/regex.js';
import { like } from './functions/strings.js';
import { CURRENT_SLOT, extendRow, ITEM_SLOT, type Row, type Runtime } from './runtime.js';
import { attributeName, compareValues, isObject, numberOrNull, toNumber, toStringValue, truthy, valuesEqual } from './types.js';

/** Runs a (sub)query for one outer row; provided by the executor to break the module cycle. */
export type SubqueryRunner = (query: Query, rt: Runtime, row: Row) => unknown[];

let runSubquery: SubqueryRunner = () => {
  throw new GdnError('INTERNAL', 'subquery runner not installed');
};

export function installSubqueryRunner(f: SubqueryRunner): void {
  runSubquery = f;
}

/** Documents of a collection as an array (a collection used as an expression operand). */
export function collectionDocuments(rt: Runtime, name: string): unknown[] {
  const out: unknown[] = [];
  for (const d of rt.requireSource().documents(name)) {
    rt.tick();
    rt.stats.scannedFull++;
    out.push(d);
  }
  return out;
}

export function bindCollectionName(rt: Runtime, name: string): string {
  return rt.bind[`@${name}`] as string;
}

function attribute(obj: unknown, name: unknown): unknown {
  if (Array.isArray(name)) {
    let cur = obj;
    for (const part of name) cur = attribute(cur, part);
    return cur;
  }
  if (!isObject(obj)) return null;
  const v = obj[name as string];
  return v === undefined || !Object.hasOwn(obj, name as string) ? null : v;
}

function indexAccess(obj: unknown, idx: unknown): unknown {
  if (Array.isArray(obj)) {
    if (typeof idx !== 'number' && !(typeof idx === 'string' && /^-?\d+$/.test(idx))) return null;
    let i = Math.trunc(Number(idx));
    if (i < 0) i += obj.length;
    return i >= 0 && i < obj.length ? obj[i] ?? null : null;
  }
  if (isObject(obj)) {
    if (typeof idx !== 'string' && typeof idx !== 'number') return null;
    return attribute(obj, toStringValue(idx));
  }
  return null;
}

export function arithmetic(rt: Runtime, op: string, a: unknown, b: unknown): unknown {
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '+': return numberOrNull(x + y);
    case '-': return numberOrNull(x - y);
    case '*': return numberOrNull(x * y);
    default:
      if (y === 0) {
        rt.warn(1562, `in function '${op}()': division by zero`);
        return null;
      }
      return numberOrNull(op === '/' ? x / y : x % y);
  }
}

function regexTest(rt: Runtime, text: unknown, pattern: unknown): boolean | null {
  const re = compileRegex(toStringValue(pattern), false);
  if (re === null) {
    rt.warn(1543, "in function 'REGEX_TEST()': invalid regex value");
    return null;
  }
  const s = toStringValue(text);
  rt.work(s.length);
  return re.test(s);
}

export function compare(rt: Runtime, op: BinaryOp, a: unknown, b: unknown): unknown {
  switch (op) {
    case '==': return valuesEqual(a, b);
    case '!=': return !valuesEqual(a, b);
    case '<': return compareValues(a, b) < 0;
    case '<=': return compareValues(a, b) <= 0;
    case '>': return compareValues(a, b) > 0;
    case '>=': return compareValues(a, b) >= 0;
    case 'IN': return Array.isArray(b) && b.some((x) => valuesEqual(a, x));
    case 'NOT IN': return !(Array.isArray(b) && b.some((x) => valuesEqual(a, x)));
    case 'LIKE': return like(a, b, false, rt.fn.work);
    case 'NOT LIKE': return !like(a, b, false, rt.fn.work);
    case '=~': return regexTest(rt, a, b);
    case '!~': { const r = regexTest(rt, a, b); return r === null ? null : !r; }
    case '..': {
      const from = Math.trunc(toNumber(a));
      const to = Math.trunc(toNumber(b));
      const range = makeRange(rt.fn, 'RANGE', from, to, null);
      rt.tick(range?.length ?? 0);
      return range;
    }
    default: return arithmetic(rt, op, a, b);
  }
}

function quantified(rt: Runtime, e: Extract<Expr, { type: 'quantified' }>, row: Row): boolean {
  const left = evaluate(rt, e.left, row);
  const right = evaluate(rt, e.right, row);
  if (!Array.isArray(left)) return false;
  if ((e.op === 'IN' || e.op === 'NOT IN') && !Array.isArray(right)) return false;
  let hits = 0;
  for (const x of left) {
    rt.tick();
    if (truthy(compare(rt, e.op, x, right))) {
      hits++;
      if (e.quantifier !== 'ALL') break;
    } else if (e.quantifier === 'ALL') {
      return false;
    }
  }
  if (e.quantifier === 'ALL') return true;
  return e.quantifier === 'ANY' ? hits > 0 : hits === 0;
}

function flattenLevels(v: unknown[], levels: number): unknown[] {
  let cur = v;
  for (let l = 1; l < levels; l++) {
    const next: unknown[] = [];
    for (const x of cur) {
      if (Array.isArray(x)) for (const y of x) next.push(y);
      else next.push(x);
    }
    cur = next;
  }
  return cur;
}

function expand(rt: Runtime, e: Extract<Expr, { type: 'expand' }>, row: Row): unknown {
  const input = evaluate(rt, e.object, row);
  if (!Array.isArray(input)) return [];
  const items = flattenLevels(input, e.levels);
  let offset = 0;
  let count = Infinity;
  if (e.limit) {
    offset = e.limit.offset ? Math.trunc(toNumber(evaluate(rt, e.limit.offset, row))) : 0;
    count = Math.trunc(toNumber(evaluate(rt, e.limit.count, row)));
    if (offset < 0 || count <= 0) return [];
  }
  const out: unknown[] = [];
  for (const item of items) {
    if (out.length >= count) break;
    rt.tick();
    const inner = extendRow(row, CURRENT_SLOT, item);
    if (e.filter && !truthy(evaluate(rt, e.filter, inner))) continue;
    if (offset > 0) {
      offset--;
      continue;
    }
    const projected = e.ret ? evaluate(rt, e.ret, inner) : item;
    out.push(e.post ? evaluate(rt, e.post, extendRow(row, ITEM_SLOT, projected)) : projected);
  }
  return out;
}

function objectLiteral(rt: Runtime, e: Extract<Expr, { type: 'object' }>, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of e.members) {
    const key = attributeName(typeof m.key === 'string' ? m.key : toStringValue(evaluate(rt, m.key, row)));
    if (Object.hasOwn(out, key)) continue;
    out[key] = evaluate(rt, m.value, row);
  }
  return out;
}

/** Functions whose first argument names a collection: a bare collection name is passed as a string. */
const NAME_ARG_FUNCTIONS = new Set(['DOCUMENT', 'COLLECTION_COUNT', 'IS_SAME_COLLECTION', 'FULLTEXT', 'NEAR', 'WITHIN']);

function collectionName(rt: Runtime, e: Expr, row: Row): unknown {
  if (e.type === 'collection') return e.name;
  if (e.type === 'bindCollection') return bindCollectionName(rt, e.name);
  return evaluate(rt, e, row);
}

export function callFunction(rt: Runtime, name: string, args: unknown[]): unknown {
  const fn = FUNCTIONS.get(name.toUpperCase());
  if (!fn) throw new GdnError('QUERY_FUNCTION_NAME_UNKNOWN', `usage of unknown function '${name.toUpperCase()}()'`);
  if (args.length < fn.min || args.length > fn.max) {
    throw new GdnError('QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH', `invalid number of arguments for function '${name.toUpperCase()}()'`);
  }
  const result = fn.impl(rt.fn, args, name.toUpperCase());
  rt.built(result);
  return result;
}

/** Evaluates an expression for one row; never returns undefined. */
export function evaluate(rt: Runtime, e: Expr, row: Row): unknown {
  switch (e.type) {
    case 'value': return e.value;
    case 'array': return e.elements.map((x) => evaluate(rt, x, row));
    case 'object': return objectLiteral(rt, e, row);
    case 'variable': case 'ref': return row[e.name] ?? null;
    case 'current': return row[CURRENT_SLOT] ?? null;
    case 'expandItem': return row[ITEM_SLOT] ?? null;
    case 'collection': return collectionDocuments(rt, e.name);
    case 'bind': return rt.bind[e.name] ?? null;
    case 'bindCollection': return collectionDocuments(rt, bindCollectionName(rt, e.name));
    case 'attr': {
      const obj = evaluate(rt, e.object, row);
      return attribute(obj, typeof e.name === 'string' ? e.name : evaluate(rt, e.name, row));
    }
    case 'index': return indexAccess(evaluate(rt, e.object, row), evaluate(rt, e.index, row));
    case 'expand': return expand(rt, e, row);
    case 'unary': {
      const v = evaluate(rt, e.operand, row);
      if (e.op === '!') return !truthy(v);
      return numberOrNull(e.op === '-' ? -toNumber(v) : toNumber(v));
    }
    case 'logical': {
      const l = evaluate(rt, e.left, row);
      if (e.op === '&&') return truthy(l) ? evaluate(rt, e.right, row) : l;
      return truthy(l) ? l : evaluate(rt, e.right, row);
    }
    case 'binary': return compare(rt, e.op, evaluate(rt, e.left, row), evaluate(rt, e.right, row));
    case 'quantified': return quantified(rt, e, row);
    case 'ternary': {
      const c = evaluate(rt, e.cond, row);
      if (truthy(c)) return e.then === null ? c : evaluate(rt, e.then, row);
      return evaluate(rt, e.else, row);
    }
    case 'call': {
      const args = e.args.map((a, i) => (i === 0 && NAME_ARG_FUNCTIONS.has(e.name) ? collectionName(rt, a, row) : evaluate(rt, a, row)));
      const result = callFunction(rt, e.name, args);
      return result === undefined ? null : result;
    }
    case 'subquery':
      rt.tick();
      return runSubquery(e.query, rt, row);
  }
}
