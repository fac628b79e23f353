import type { Expr, ObjectMember } from './ast.js';
import type { ParserApi } from './parser-api.js';

/**
 * A literal outside the range of a double is refused (1504). ArangoDB turns it into null with a
 * warning, which an INSERT then stores as null in place of the number that was written.
 */
function numberLiteral(p: ParserApi, text: string, value: number): Expr {
  if (!Number.isFinite(value)) p.error(`number out of range: ${text}`, p.current, 'QUERY_NUMBER_OUT_OF_RANGE');
  const pos = p.at();
  p.advance();
  return { type: 'value', value, pos };
}

/**
 * C8QL functions fabric-emu has no implementation of: the geo functions that need a geo index or
 * spherical geometry, and the ArangoSearch functions that only work inside SEARCH.
 */
const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'WITHIN_RECTANGLE', 'IS_IN_POLYGON',
  'ANALYZER', 'BOOST', 'PHRASE', 'TOKENS', 'MIN_MATCH', 'BM25', 'TFIDF',
]);

// reference = identifier | bindParam | "@@"name | array | object | funcCall | "(" expr ")" | "(" query ")" ;
// literal   = "null" | "true" | "false" | number | string ;
export function parsePrimaryExpr(p: ParserApi): Expr {
  const t = p.current;
  const pos = p.at(t);
  switch (t.kind) {
    case 'integer':
    case 'double':
      return numberLiteral(p, t.value, t.num ?? Number.NaN);
    case 'string':
      p.advance();
      return { type: 'value', value: t.value, pos };
    case 'bind':
      p.advance();
      return { type: 'bind', name: t.value, pos };
    case 'bindCollection':
      p.advance();
      return { type: 'bindCollection', name: t.value, pos };
    case 'keyword':
      if (t.value === 'NULL' || t.value === 'TRUE' || t.value === 'FALSE') {
        p.advance();
        return { type: 'value', value: t.value === 'NULL' ? null : t.value === 'TRUE', pos };
      }
      if (t.value === 'LIKE' && p.op('(', p.lookahead(1))) return parseCall(p);
      return p.unexpected();
    case 'identifier':
      if (p.op('(', p.lookahead(1)) || p.op('::', p.lookahead(1))) return parseCall(p);
      p.advance();
      if (t.value.toUpperCase() === 'CURRENT' && p.expansionDepth(0) > 0) return { type: 'current', pos };
      return { type: 'ref', name: t.value, pos };
    case 'op':
      if (t.value === '(') return parseParenthesized(p);
      if (t.value === '[') return parseArray(p);
      if (t.value === '{') return parseObject(p);
      return p.unexpected();
    default:
      return p.unexpected();
  }
}

// "(" expr ")" | "(" query ")"
function parseParenthesized(p: ParserApi): Expr {
  const open = p.advance();
  const pos = p.at(open);
  if (p.isStatementStart(p.current)) {
    const query = p.nest(() => p.parseSubqueryBody());
    p.expect(')');
    return { type: 'subquery', query, pos };
  }
  const e = p.withIn(() => p.parseExpr());
  p.expect(')');
  return e;
}

// funcCall = funcName "(" [ exprOrQuery { "," exprOrQuery } ] ")" ;  funcName = identifier { "::" identifier } | "LIKE" ;
function parseCall(p: ParserApi): Expr {
  const first = p.advance();
  const pos = p.at(first);
  let name = first.value;
  while (p.op('::')) {
    p.advance();
    const part = p.current;
    if (part.kind !== 'identifier') p.unexpected();
    p.advance();
    name += `::${part.value}`;
  }
  p.expect('(');
  const args: Expr[] = [];
  p.withIn(() => {
    if (!p.op(')')) {
      for (;;) {
        if (p.isStatementStart(p.current)) {
          const at = p.at();
          args.push({ type: 'subquery', query: p.nest(() => p.parseSubqueryBody()), pos: at });
        } else {
          args.push(p.parseExpr());
        }
        if (!p.op(',')) break;
        p.advance();
      }
    }
  });
  p.expect(')');
  const upper = name.toUpperCase();
  // User-defined functions need /_api/c8qlfunction, which fabric-emu does not serve.
  if (upper.includes('::')) p.unsupported(`user-defined function ${upper}()`, first);
  else if (UNSUPPORTED_FUNCTIONS.has(upper)) p.unsupported(`function ${upper}()`, first);
  return { type: 'call', name: upper, args, pos };
}

// array = "[" [ expr { "," expr } [","] ] "]" ;
function parseArray(p: ParserApi): Expr {
  const open = p.advance();
  const elements: Expr[] = [];
  p.withIn(() => {
    while (!p.op(']')) {
      elements.push(p.parseExpr());
      if (!p.op(',')) break;
      p.advance();
    }
  });
  p.expect(']');
  return { type: 'array', elements, pos: p.at(open) };
}

// object = "{" [ member { "," member } [","] ] "}" ;
// member = identifier | (identifier | string) ":" expr | bindParam ":" expr | "[" expr "]" ":" expr ;
function parseObject(p: ParserApi): Expr {
  const open = p.advance();
  const members: ObjectMember[] = [];
  p.withIn(() => {
    while (!p.op('}')) {
      const t = p.current;
      if (t.kind === 'identifier' && !p.op(':', p.lookahead(1))) {
        p.advance();
        members.push({ key: t.value, value: { type: 'ref', name: t.value, pos: p.at(t) }, shorthand: true });
      } else {
        let key: string | Expr;
        if (t.kind === 'identifier' || t.kind === 'string') {
          p.advance();
          key = t.value;
        } else if (t.kind === 'bind') {
          p.advance();
          key = { type: 'bind', name: t.value, pos: p.at(t) };
        } else if (p.op('[')) {
          p.advance();
          key = p.parseExpr();
          p.expect(']');
        } else {
          return p.unexpected();
        }
        p.expect(':');
        members.push({ key, value: p.parseExpr() });
      }
      if (!p.op(',')) break;
      p.advance();
    }
    return undefined;
  });
  p.expect('}');
  return { type: 'object', members, pos: p.at(open) };
}

// reference "." (identifier | bindParam) | reference "[" expr "]"
// | reference "[" "*"+ [ "FILTER" expr ] [ "LIMIT" expr ["," expr] ] [ "RETURN" expr ] "]" ;
export function parsePostfixExpr(p: ParserApi, base: Expr): Expr {
  let e = base;
  let steps = 0;
  try {
    for (;;) {
      const next = parsePostfixStep(p, e);
      if (next === null) return e;
      p.deeper();
      steps++;
      e = next;
    }
  } finally {
    p.shallower(steps);
  }
}

/**
 * Everything after `[*]` in an access chain is applied per element (`a[*].b[*].c` nests), except a
 * further `[**...]`, which flattens the result built so far — the observed ArangoDB behaviour
 * (`a[*].b[**].c` is flat).
 */
function parseExpansion(p: ParserApi, object: Expr): Expr {
  const open = p.advance();
  let levels = 0;
  while (p.op('*')) {
    p.advance();
    levels++;
  }
  let filter: Expr | null = null;
  let limit: { offset: Expr | null; count: Expr } | null = null;
  let ret: Expr | null = null;
  p.expansionDepth(1);
  try {
    p.withIn(() => {
      if (p.kw('FILTER')) {
        p.advance();
        filter = p.parseExpr();
      }
      if (p.kw('LIMIT')) {
        p.advance();
        const first = p.parseExpr();
        if (p.op(',')) {
          p.advance();
          limit = { offset: first, count: p.parseExpr() };
        } else {
          limit = { offset: null, count: first };
        }
      }
      if (p.kw('RETURN')) {
        p.advance();
        ret = p.parseExpr();
      }
    });
  } finally {
    p.expansionDepth(-1);
  }
  p.expect(']');
  const pos = p.at(open);
  const item: Expr = { type: 'expandItem', pos };
  let post: Expr = item;
  let steps = 0;
  try {
    for (;;) {
      if (p.op('[') && p.op('*', p.lookahead(1)) && p.op('*', p.lookahead(2))) {
        const done: Expr = { type: 'expand', object, levels, filter, limit, ret, post: post === item ? null : post, pos };
        return p.nest(() => parseExpansion(p, done));
      }
      const current: Expr = post;
      const next: Expr | null = p.nest(() => parsePostfixStep(p, current));
      if (next === null) break;
      p.deeper();
      steps++;
      post = next;
    }
  } finally {
    p.shallower(steps);
  }
  return { type: 'expand', object, levels, filter, limit, ret, post: post === item ? null : post, pos };
}

/** Applies one postfix operator (`.name`, `.@bind`, `[index]`, `[* ...]`) to `e`; null when none follows. */
function parsePostfixStep(p: ParserApi, e: Expr): Expr | null {
  if (p.op('.')) {
    const dot = p.advance();
    const t = p.current;
    if (t.kind === 'identifier') {
      p.advance();
      return { type: 'attr', object: e, name: t.value, pos: p.at(dot) };
    }
    if (t.kind === 'bind') {
      p.advance();
      return { type: 'attr', object: e, name: { type: 'bind', name: t.value, pos: p.at(t) }, pos: p.at(dot) };
    }
    return p.unexpected();
  }
  if (!p.op('[')) return null;
  if (p.op('*', p.lookahead(1))) return parseExpansion(p, e);
  const open = p.advance();
  const index = p.withIn(() => p.parseExpr());
  p.expect(']');
  return { type: 'index', object: e, index, pos: p.at(open) };
}
