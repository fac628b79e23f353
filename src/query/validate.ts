import { GdnError } from '../core/errors.js';
import type { CollectionRef, Expr, Query, Statement } from './ast.js';
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

/**
 * Resolves bare names to variables or collections (rewriting `ref` nodes in place) and performs
 * the compile-time checks ArangoDB does while building its AST: 1511, 1512, 1540, 1541, 1574,
 * 1575, 1208.
 */
export function analyzeQuery(query: Query): QueryInfo {
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
    if (visible(s, name) && name !== 'NEW' && name !== 'OLD') {
      throw new GdnError('QUERY_VARIABLE_REDECLARED', `variable '${name}' is assigned multiple times`);
    }
    s.local.add(name);
    if (!s.sawFor) s.persistent.add(name);
  };

  const expr = (e: Expr | null, s: Scope): void => {
    if (e === null) return;
    switch (e.type) {
      case 'value': case 'current': case 'expandItem': case 'variable': return;
      case 'collection': addColl(e.name); return;
      case 'ref':
        if (visible(s, e.name)) {
          (e as { type: string }).type = 'variable';
        } else {
          checkCollectionName(e.name);
          (e as { type: string }).type = 'collection';
          addColl(e.name);
        }
        return;
      case 'bind': addBind(e.name); return;
      case 'bindCollection': addBind(`@${e.name}`); return;
      case 'array': e.elements.forEach((x) => expr(x, s)); return;
      case 'object':
        for (const m of e.members) {
          if (m.shorthand && !visible(s, m.key as string)) {
            throw new GdnError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${m.key as string}'`);
          }
          if (typeof m.key !== 'string') expr(m.key, s);
          expr(m.value, s);
        }
        return;
      case 'attr':
        expr(e.object, s);
        if (typeof e.name !== 'string') expr(e.name, s);
        return;
      case 'index': expr(e.object, s); expr(e.index, s); return;
      case 'expand':
        expr(e.object, s); expr(e.filter, s); expr(e.limit?.offset ?? null, s);
        expr(e.limit?.count ?? null, s); expr(e.ret, s); expr(e.post, s);
        return;
      case 'unary': expr(e.operand, s); return;
      case 'binary': case 'quantified': case 'logical': expr(e.left, s); expr(e.right, s); return;
      case 'ternary': expr(e.cond, s); expr(e.then, s); expr(e.else, s); return;
      case 'call': {
        const fn = FUNCTIONS.get(e.name);
        if (!fn) throw new GdnError('QUERY_FUNCTION_NAME_UNKNOWN', `usage of unknown function '${e.name}()'`);
        if (e.args.length < fn.min || e.args.length > fn.max) {
          const max = fn.max === Number.POSITIVE_INFINITY ? 65536 : fn.max;
          throw new GdnError('QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
            `invalid number of arguments for function '${e.name}()', expected number of arguments: minimum: ${fn.min}, maximum: ${max}`);
        }
        e.args.forEach((x) => expr(x, s));
        return;
      }
      case 'subquery':
        statements(e.query.statements, { outer: new Set([...s.outer, ...s.local]), persistent: new Set(), local: new Set(), sawFor: false });
        return;
    }
  };

  const options = (e: Expr | null, s: Scope): void => {
    if (e === null) return;
    if (!isConstant(e)) throw new GdnError('QUERY_COMPILE_TIME_OPTIONS');
    expr(e, s);
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

  const statements = (list: Statement[], s: Scope): void => {
    for (const st of list) statement(st, s);
  };

  const statement = (st: Statement, s: Scope): void => {
    switch (st.type) {
      case 'for':
        expr(st.source, s);
        options(st.options, s);
        s.sawFor = true;
        declare(s, st.variable);
        return;
      case 'let': expr(st.expr, s); declare(s, st.variable); return;
      case 'filter': expr(st.expr, s); return;
      case 'sort':
        for (const el of st.elements) {
          expr(el.expr, s);
          if (typeof el.direction !== 'boolean') expr(el.direction, s);
        }
        return;
      case 'limit':
        expr(st.offset, s);
        expr(st.count, s);
        if ((st.offset && !isConstant(st.offset)) || !isConstant(st.count)) {
          throw new GdnError('QUERY_NUMBER_OUT_OF_RANGE', 'LIMIT offset and count must be compile-time constants');
        }
        return;
      case 'collect': collect(st, s); return;
      case 'return': expr(st.expr, s); return;
      default:
        if (isModification(st)) {
          if (st.type === 'insert') expr(st.doc, s);
          else if (st.type === 'remove') expr(st.key, s);
          else if (st.type === 'upsert') {
            expr(st.search, s);
            expr(st.insert, s);
            const inner: Scope = { ...s, local: new Set([...s.local, 'OLD']) };
            expr(st.update, inner);
          } else {
            expr(st.key, s);
            expr(st.doc, s);
          }
          options(st.options, s);
          target(st.collection);
          if (st.type !== 'remove') declare(s, 'NEW');
          declare(s, 'OLD');
        }
    }
  };

  const collect = (st: Extract<Statement, { type: 'collect' }>, s: Scope): void => {
    st.groups.forEach((g) => expr(g.expr, s));
    const groupNames = new Set(st.groups.map((g) => g.variable));
    for (const a of st.aggregates) {
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
      a.args.forEach((x) => expr(x, s));
    }
    if (st.into?.expr) expr(st.into.expr, s);
    if (st.keep) {
      for (const k of st.keep) {
        if (!s.local.has(k)) throw new GdnError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${k}'`);
      }
    }
    if (st.into && !st.into.expr) st.intoVariables = st.keep ?? [...s.local];
    options(st.options, s);
    // COLLECT ends the scope of the loop variables of this query level.
    s.local = new Set(s.persistent);
    for (const v of [...st.groups.map((g) => g.variable), ...st.aggregates.map((a) => a.variable)]) declare(s, v);
    if (st.into) declare(s, st.into.variable);
    if (st.count) declare(s, st.count);
  };

  statements(query.statements, { outer: new Set(), persistent: new Set(), local: new Set(), sawFor: false });
  checkModificationAccess(query);
  return info;
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
