import { GdnError } from '../core/errors.js';
import type { CollectionRef, Expr, ModificationStatement, Query, Statement } from './ast.js';
import { isModification } from './ast.js';
import { AGGREGATE_FUNCTIONS, FUNCTIONS } from './functions/registry.js';

/** What compile-time analysis learns about a query (for /_api/query and for execution). */
export interface QueryInfo {
  /** Collection names referenced literally (FOR, expressions, modification targets, WITH). */
  collections: string[];
  /** Bind parameter names in order of first use; `@@x` is listed as "@x" like ArangoDB does. */
  bindVars: string[];
  /** Whether the query writes. */
  modifies: boolean;
}

const COLLECTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,255}$/;

export function checkCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) throw new GdnError('ILLEGAL_NAME', `illegal name: '${name}'`);
}

interface Scope {
  /** Variables visible from enclosing query levels. */
  outer: Set<string>;
  /** Variables of this query level that survive a COLLECT (declared before the first FOR). */
  persistent: Set<string>;
  /** All variables of this query level that are currently visible. */
  local: Set<string>;
  sawFor: boolean;
}

/** A query as analysis leaves it: bare names resolved, COLLECT INTO members listed. */
export interface AnalyzedQuery {
  info: QueryInfo;
  /** A new tree; the parsed one is left exactly as the parser built it. */
  query: Query;
}

/**
 * Resolves bare names to variables or collections and performs the compile-time checks ArangoDB
 * does while building its AST: 1511, 1512, 1540, 1541, 1574, 1575, 1208. The parsed tree is only
 * read: the resolved query is a copy (parsed queries are cached and shared, see index.ts).
 */
export function analyzeQuery(query: Query): AnalyzedQuery {
  const info: QueryInfo = { collections: [], bindVars: [], modifies: false };
  const addColl = (name: string): void => {
    if (!info.collections.includes(name)) info.collections.push(name);
  };
  const addBind = (name: string): void => {
    if (!info.bindVars.includes(name)) info.bindVars.push(name);
  };
  for (const c of query.withCollections) {
    checkCollectionName(c);
    addColl(c);
  }

  const visible = (s: Scope, name: string): boolean => s.local.has(name) || s.outer.has(name);
  const declare = (s: Scope, name: string): void => {
    // Rows hold variables as properties: this one would set the row's prototype instead.
    if (name === '__proto__') throw new GdnError('QUERY_VARIABLE_NAME_INVALID', "variable name '__proto__' is not supported by fabric-emu");
    if (visible(s, name) && name !== 'NEW' && name !== 'OLD') {
      throw new GdnError('QUERY_VARIABLE_REDECLARED', `variable '${name}' is assigned multiple times`);
    }
    s.local.add(name);
    if (!s.sawFor) s.persistent.add(name);
  };

  const opt = (e: Expr | null, s: Scope): Expr | null => (e === null ? null : expr(e, s));

  const expr = (e: Expr, s: Scope): Expr => {
    switch (e.type) {
      case 'value': case 'current': case 'expandItem': case 'variable': return e;
      case 'collection': addColl(e.name); return e;
      case 'ref':
        if (visible(s, e.name)) return { type: 'variable', name: e.name, pos: e.pos };
        checkCollectionName(e.name);
        addColl(e.name);
        return { type: 'collection', name: e.name, pos: e.pos };
      case 'bind': addBind(e.name); return e;
      case 'bindCollection': addBind(`@${e.name}`); return e;
      case 'array': return { ...e, elements: e.elements.map((x) => expr(x, s)) };
      case 'object':
        return {
          ...e,
          members: e.members.map((m) => {
            if (m.shorthand && !visible(s, m.key as string)) {
              throw new GdnError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${m.key as string}'`);
            }
            const key = typeof m.key === 'string' ? m.key : expr(m.key, s);
            return { ...m, key, value: expr(m.value, s) };
          }),
        };
      case 'attr': {
        const object = expr(e.object, s);
        return { ...e, object, name: typeof e.name === 'string' ? e.name : expr(e.name, s) };
      }
      case 'index': {
        const object = expr(e.object, s);
        return { ...e, object, index: expr(e.index, s) };
      }
      case 'expand': {
        const object = expr(e.object, s);
        const filter = opt(e.filter, s);
        const offset = opt(e.limit?.offset ?? null, s);
        const count = opt(e.limit?.count ?? null, s);
        const ret = opt(e.ret, s);
        const post = opt(e.post, s);
        return { ...e, object, filter, limit: e.limit ? { offset, count: count as Expr } : null, ret, post };
      }
      case 'unary': return { ...e, operand: expr(e.operand, s) };
      case 'binary': case 'quantified': case 'logical': {
        const left = expr(e.left, s);
        return { ...e, left, right: expr(e.right, s) };
      }
      case 'ternary': {
        const cond = expr(e.cond, s);
        const then = opt(e.then, s);
        return { ...e, cond, then, else: expr(e.else, s) };
      }
      case 'call': {
        const fn = FUNCTIONS.get(e.name);
        if (!fn) throw new GdnError('QUERY_FUNCTION_NAME_UNKNOWN', `usage of unknown function '${e.name}()'`);
        if (e.args.length < fn.min || e.args.length > fn.max) {
          const max = fn.max === Number.POSITIVE_INFINITY ? 65536 : fn.max;
          throw new GdnError('QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
            `invalid number of arguments for function '${e.name}()', expected number of arguments: minimum: ${fn.min}, maximum: ${max}`);
        }
        return { ...e, args: e.args.map((x) => expr(x, s)) };
      }
      case 'subquery': {
        const inner: Scope = { outer: new Set([...s.outer, ...s.local]), persistent: new Set(), local: new Set(), sawFor: false };
        return { ...e, query: { ...e.query, statements: statements(e.query.statements, inner) } };
      }
    }
  };

  const options = (e: Expr | null, s: Scope): Expr | null => {
    if (e === null) return null;
    if (!isConstant(e)) throw new GdnError('QUERY_COMPILE_TIME_OPTIONS');
    return expr(e, s);
  };

  const target = (c: CollectionRef): void => {
    info.modifies = true;
    if (c.kind === 'name') {
      checkCollectionName(c.name);
      addColl(c.name);
    } else {
      addBind(`@${c.name}`);
    }
  };

  const statements = (list: Statement[], s: Scope): Statement[] => list.map((st) => statement(st, s));

  const statement = (st: Statement, s: Scope): Statement => {
    switch (st.type) {
      case 'for': {
        const source = expr(st.source, s);
        const opts = options(st.options, s);
        s.sawFor = true;
        declare(s, st.variable);
        return { ...st, source, options: opts };
      }
      case 'let': {
        const e = expr(st.expr, s);
        declare(s, st.variable);
        return { ...st, expr: e };
      }
      case 'filter': return { ...st, expr: expr(st.expr, s) };
      case 'sort':
        return {
          ...st,
          elements: st.elements.map((el) => {
            const e = expr(el.expr, s);
            return { expr: e, direction: typeof el.direction === 'boolean' ? el.direction : expr(el.direction, s) };
          }),
        };
      case 'limit': {
        const offset = opt(st.offset, s);
        const count = expr(st.count, s);
        if ((st.offset && !isConstant(st.offset)) || !isConstant(st.count)) {
          throw new GdnError('QUERY_NUMBER_OUT_OF_RANGE', 'LIMIT offset and count must be compile-time constants');
        }
        return { ...st, offset, count };
      }
      case 'collect': return collect(st, s);
      case 'return': return { ...st, expr: expr(st.expr, s) };
      default: return modification(st, s);
    }
  };

  const modification = (st: ModificationStatement, s: Scope): Statement => {
    let out: ModificationStatement;
    if (st.type === 'insert') out = { ...st, doc: expr(st.doc, s) };
    else if (st.type === 'remove') out = { ...st, key: expr(st.key, s) };
    else if (st.type === 'upsert') {
      const search = expr(st.search, s);
      const insert = expr(st.insert, s);
      const inner: Scope = { ...s, local: new Set([...s.local, 'OLD']) };
      out = { ...st, search, insert, update: expr(st.update, inner) };
    } else {
      const key = expr(st.key, s);
      out = { ...st, key, doc: opt(st.doc, s) };
    }
    out.options = options(st.options, s);
    target(st.collection);
    if (st.type !== 'remove') declare(s, 'NEW');
    declare(s, 'OLD');
    return out;
  };

  const collect = (st: Extract<Statement, { type: 'collect' }>, s: Scope): Statement => {
    const groups = st.groups.map((g) => ({ variable: g.variable, expr: expr(g.expr, s) }));
    const groupNames = new Set(st.groups.map((g) => g.variable));
    const aggregates = st.aggregates.map((a) => {
      if (!AGGREGATE_FUNCTIONS.has(a.func)) {
        throw new GdnError('QUERY_INVALID_AGGREGATE_EXPRESSION', 'unknown aggregate function used');
      }
      const fn = FUNCTIONS.get(a.func);
      if (fn && (a.args.length < fn.min || a.args.length > fn.max)) {
        throw new GdnError('QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
          `invalid number of arguments for function '${a.func}()', expected number of arguments: minimum: ${fn.min}, maximum: ${fn.max}`);
      }
      for (const name of groupNames) {
        if (a.args.some((x) => mentionsVariable(x, name) && !visibleBefore(s, name))) {
          throw new GdnError('QUERY_VARIABLE_NAME_UNKNOWN', `use of unknown variable '${name}' in AGGREGATE expression`);
        }
      }
      return { ...a, args: a.args.map((x) => expr(x, s)) };
    });
    const into = st.into ? { variable: st.into.variable, expr: opt(st.into.expr, s) } : null;
    if (st.keep) {
      for (const k of st.keep) {
        if (!s.local.has(k)) throw new GdnError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${k}'`);
      }
    }
    const out: Extract<Statement, { type: 'collect' }> = { ...st, groups, aggregates, into };
    if (st.into && !st.into.expr) out.intoVariables = st.keep ?? [...s.local];
    out.options = options(st.options, s);
    // COLLECT ends the scope of the loop variables of this query level.
    s.local = new Set(s.persistent);
    for (const v of [...st.groups.map((g) => g.variable), ...st.aggregates.map((a) => a.variable)]) declare(s, v);
    if (st.into) declare(s, st.into.variable);
    if (st.count) declare(s, st.count);
    return out;
  };

  const resolved: Query = {
    withCollections: query.withCollections,
    statements: statements(query.statements, { outer: new Set(), persistent: new Set(), local: new Set(), sawFor: false }),
  };
  checkModificationAccess(resolved);
  return { info, query: resolved };
}

function visibleBefore(s: Scope, name: string): boolean {
  return s.local.has(name) || s.outer.has(name);
}

function mentionsVariable(e: Expr, name: string): boolean {
  let found = false;
  walk(e, (x) => {
    if ((x.type === 'ref' || x.type === 'variable') && x.name === name) found = true;
  });
  return found;
}

/** Literal values, bind parameters and arrays/objects of those: readable at compile time. */
export function isConstant(e: Expr): boolean {
  switch (e.type) {
    case 'value': case 'bind': return true;
    case 'array': return e.elements.every(isConstant);
    case 'object': return e.members.every((m) => !m.shorthand && (typeof m.key === 'string' || isConstant(m.key)) && isConstant(m.value));
    case 'unary': return isConstant(e.operand);
    case 'binary': return e.op !== '..' && isConstant(e.left) && isConstant(e.right);
    default: return false;
  }
}

/** Visits every expression node (not descending into subqueries' statements). */
export function walk(e: Expr | null, f: (e: Expr) => void): void {
  if (e === null) return;
  f(e);
  switch (e.type) {
    case 'array': e.elements.forEach((x) => walk(x, f)); return;
    case 'object': e.members.forEach((m) => { if (typeof m.key !== 'string') walk(m.key, f); walk(m.value, f); }); return;
    case 'attr': walk(e.object, f); if (typeof e.name !== 'string') walk(e.name, f); return;
    case 'index': walk(e.object, f); walk(e.index, f); return;
    case 'expand': walk(e.object, f); walk(e.filter, f); walk(e.limit?.offset ?? null, f); walk(e.limit?.count ?? null, f); walk(e.ret, f); walk(e.post, f); return;
    case 'unary': walk(e.operand, f); return;
    case 'binary': case 'quantified': case 'logical': walk(e.left, f); walk(e.right, f); return;
    case 'ternary': walk(e.cond, f); walk(e.then, f); walk(e.else, f); return;
    case 'call': e.args.forEach((x) => walk(x, f)); return;
    default: return;
  }
}

/**
 * 1579: a collection may be modified once per query and not read after it was modified
 * (checked in textual order, subqueries included).
 */
function checkModificationAccess(query: Query): void {
  const modified = new Set<string>();
  const fail = (name: string): never => {
    throw new GdnError('QUERY_ACCESS_AFTER_MODIFICATION', `access after data-modification by collection '${name}'`);
  };
  const read = (e: Expr | null): void => {
    walk(e, (x) => {
      if (x.type === 'collection' && modified.has(x.name)) fail(x.name);
      if (x.type === 'bindCollection' && modified.has(`@${x.name}`)) fail(x.name);
      if (x.type === 'call' && x.name === 'DOCUMENT' && x.args.length === 2 && x.args[0]?.type === 'value'
        && typeof x.args[0].value === 'string' && modified.has(x.args[0].value)) fail(x.args[0].value);
      if (x.type === 'subquery') x.query.statements.forEach(stmt);
    });
  };
  const stmt = (st: Statement): void => {
    switch (st.type) {
      case 'for': read(st.source); return;
      case 'let': case 'filter': case 'return': read(st.expr); return;
      case 'sort': st.elements.forEach((el) => read(el.expr)); return;
      case 'limit': return;
      case 'collect':
        st.groups.forEach((g) => read(g.expr));
        st.aggregates.forEach((a) => a.args.forEach(read));
        read(st.into?.expr ?? null);
        return;
      default: {
        if (!isModification(st)) return;
        if (st.type === 'insert') read(st.doc);
        else if (st.type === 'upsert') { read(st.search); read(st.insert); read(st.update); }
        else { read(st.key); if (st.type !== 'remove') read(st.doc); }
        const name = st.collection.kind === 'name' ? st.collection.name : `@${st.collection.name}`;
        if (modified.has(name)) fail(st.collection.name);
        modified.add(name);
      }
    }
  };
  query.statements.forEach(stmt);
}
