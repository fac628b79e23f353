import { GdnError, type ErrorName } from '../core/errors.js';
import type { BinaryOp, CollectionRef, Expr, Pos, Query, SortElement, Statement } from './ast.js';
import { parseErrorMessage, tokenize } from './lexer.js';
import type { ParserApi } from './parser-api.js';
import { parsePostfixExpr, parsePrimaryExpr } from './parser-expr.js';
import { isDirection, parseGraphFor } from './parser-graph.js';
import { tokenDisplayName, type Token } from './tokens.js';

const STATEMENT_KEYWORDS = new Set([
  'FOR', 'LET', 'FILTER', 'SORT', 'LIMIT', 'COLLECT', 'RETURN', 'INSERT', 'UPDATE', 'REPLACE', 'REMOVE', 'UPSERT',
]);
/**
 * Deeper nesting is refused (1524) so adversarial input cannot overflow the JS stack, neither here
 * nor in the stages that walk the AST. Each operator of a chain counts as a level (`a + b + c`,
 * `a && b && c`, `a.b.c`, `a[0][1]`, `a ? b : c ? d : e`): a chain builds an AST as deep as it is
 * long. So does each statement, which the executor runs inside the ones before it.
 */
export const MAX_QUERY_DEPTH = 250;
/** v, e, p of a traversal. */
const MAX_FOR_VARIABLES = 3;

export interface ParseResult {
  query: Query;
  /** Compile-time warnings, e.g. 1504 for a double literal outside the double range. */
  warnings: { code: number; message: string }[];
}

/** Parses a C8QL query string; throws GdnError 1501/1502. */
export function parseQuery(text: string): ParseResult {
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new GdnError('QUERY_EMPTY');
  return new Parser(text, tokens).parseMain();
}

class Parser implements ParserApi {
  private i = 0;
  private depth = 0;
  /** Set while parsing the operand of a modification, where IN/INTO introduce the collection. */
  private noIn = false;
  /** Set while inside `[* ...]`, where CURRENT names the element. */
  private inExpansion = 0;
  /** Set while parsing the expressions of a FOR that may be a graph form, where ANY can be a direction. */
  private graphContext = 0;
  /** The first syntax the engine cannot run; answered with 501 once the whole query has parsed. */
  private firstUnsupported: { feature: string; at: Token } | null = null;
  readonly warnings: { code: number; message: string }[] = [];

  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i] as Token;
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.tok;
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private pos(t: Token = this.tok): Pos {
    return { line: t.line, column: t.column };
  }

  private isKw(kw: string, t: Token = this.tok): boolean {
    return t.kind === 'keyword' && t.value === kw;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.value === op;
  }

  /** Contextual words (OPTIONS, KEEP, COUNT, ...) are identifiers compared case-insensitively. */
  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'identifier' && t.value.toUpperCase() === word;
  }

  error(message: string, t: Token = this.tok, name: ErrorName = 'QUERY_PARSE'): never {
    // At the end of input ArangoDB reports the location of the last real token.
    const at = t.kind === 'eof' && this.i > 0 ? (this.tokens[this.tokens.length - 2] as Token) : t;
    throw new GdnError(name, parseErrorMessage(this.text, message, at.offset, at.line, at.column));
  }

  unexpected(t: Token = this.tok): never {
    return this.error(`syntax error, unexpected ${tokenDisplayName(t)}`, t);
  }

  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.unexpected();
    return this.next();
  }

  private expectKw(kw: string): Token {
    if (!this.isKw(kw)) this.unexpected();
    return this.next();
  }

  private enter(): void {
    if (++this.depth > MAX_QUERY_DEPTH) this.error(`query is nested more than ${MAX_QUERY_DEPTH} levels deep`, this.tok, 'QUERY_TOO_MUCH_NESTING');
  }

  // queryStart = [ "WITH" collName { [","] collName } ] query ;
  parseMain(): ParseResult {
    const withCollections: string[] = [];
    if (this.isKw('WITH')) {
      this.next();
      do {
        if (this.isOp(',')) this.next();
        const t = this.tok;
        if (t.kind !== 'identifier' && t.kind !== 'string') this.unexpected();
        withCollections.push(this.next().value);
      } while (this.isOp(',') || this.tok.kind === 'identifier' || this.tok.kind === 'string');
    }
    const statements = this.parseStatements(true);
    if (this.tok.kind !== 'eof') this.unexpected();
    if (this.firstUnsupported) {
      const { feature, at } = this.firstUnsupported;
      const text = parseErrorMessage(this.text, `${feature} is not supported yet by fabric-emu`, at.offset, at.line, at.column);
      throw new GdnError('NOT_IMPLEMENTED', `${text}; docs/compatibility.md lists the C8QL fabric-emu runs`);
    }
    return { query: { withCollections, statements }, warnings: this.warnings };
  }

  // query = { statement } finalStatement ;  finalStatement = return | modification ;
  private parseStatements(topLevel: boolean): Statement[] {
    const out: Statement[] = [];
    let hasFor = false;
    // The executor runs each statement inside the ones before it: a statement is a level deeper.
    const base = this.depth;
    try {
      for (;;) {
        const t = this.tok;
        if (t.kind !== 'keyword' || !STATEMENT_KEYWORDS.has(t.value)) {
          const last = out[out.length - 1];
          if (last && last.type !== 'for' && last.type !== 'let' && last.type !== 'filter' && last.type !== 'sort'
            && last.type !== 'limit' && last.type !== 'collect') return out;
          this.unexpected();
        }
        this.enter();
        const parsed = this.parseStatement(hasFor, topLevel);
        for (const s of parsed) {
          if (s.type === 'for') hasFor = true;
          out.push(s);
        }
        if (parsed[0]?.type === 'return') return out;
      }
    } finally {
      this.depth = base;
    }
  }

  // statement = for | let | filter | collect | sort | limit | modification ;  filter = "FILTER" expr ;
  private parseStatement(hasFor: boolean, topLevel: boolean): Statement[] {
    const t = this.tok;
    switch (t.value) {
      case 'FOR': return [this.parseFor()];
      case 'LET': return this.parseLet();
      case 'FILTER': this.next(); return [{ type: 'filter', expr: this.parseExpr(), pos: this.pos(t) }];
      case 'SORT': return [this.parseSort()];
      case 'LIMIT': return [this.parseLimit()];
      case 'COLLECT': return [this.parseCollect()];
      case 'RETURN': return [this.parseReturn(hasFor, topLevel)];
      default: return [this.parseModification()];
    }
  }

  private varName(): string {
    const t = this.tok;
    if (t.kind !== 'identifier') this.unexpected();
    this.next();
    return t.value;
  }

  // for = "FOR" varName "IN" expr [ "SEARCH" expr ] [ "OPTIONS" object ]
  //     | "FOR" varName { "," varName } "IN" ( traversal | shortestPath ) ;   (see parser-graph.ts)
  private parseFor(): Statement {
    const start = this.next();
    const variables = [this.varName()];
    while (this.isOp(',') && variables.length < MAX_FOR_VARIABLES) {
      this.next();
      variables.push(this.varName());
    }
    const variable = variables[0] as string;
    this.expectKw('IN');
    const source = isDirection(this.tok) ? null : this.graphExpr(() => this.parseExpr());
    if (isDirection(this.tok)) {
      parseGraphFor(this, variables.length);
      // Never executed: a recorded unsupported feature makes parseMain throw.
      return { type: 'for', variable, source: source ?? { type: 'value', value: [], pos: this.pos(start) }, options: null, pos: this.pos(start) };
    }
    if (variables.length > 1) this.error('Collections and views FOR loops only allow a single return variable', start);
    let options: Expr | null = null;
    if (this.isWord('SEARCH')) {
      this.unsupported('SEARCH (ArangoSearch views)', this.next());
      this.parseExpr();
    }
    if (this.tok.kind === 'identifier') {
      if (this.isWord('OPTIONS')) options = this.parseOptions();
      else this.error(`unexpected qualifier '${this.tok.value}', expecting 'SEARCH' or 'OPTIONS'`);
    }
    return { type: 'for', variable, source: source as Expr, options, pos: this.pos(start) };
  }

  // options = "OPTIONS" object ;
  parseOptions(): Expr {
    this.next();
    if (!this.isOp('{')) this.error("'OPTIONS' have to be an object");
    return this.parseExpr();
  }

  // let = "LET" varName "=" expr { "," varName "=" expr } ;
  private parseLet(): Statement[] {
    const start = this.next();
    const lets: Statement[] = [];
    for (;;) {
      const variable = this.varName();
      this.expectOp('=');
      lets.push({ type: 'let', variable, expr: this.parseExpr(), pos: this.pos(start) });
      if (!this.isOp(',')) return lets;
      this.next();
    }
  }

  // sort = "SORT" sortElem { "," sortElem } ;  sortElem = expr [ "ASC" | "DESC" | literal | bindParam ] ;
  private parseSort(): Statement {
    const start = this.next();
    const elements: SortElement[] = [];
    for (;;) {
      const expr = this.parseExpr();
      let direction: boolean | Expr = true;
      const t = this.tok;
      if (this.isKw('ASC')) { this.next(); direction = true; }
      else if (this.isKw('DESC')) { this.next(); direction = false; }
      else if (t.kind === 'bind' || t.kind === 'string' || this.isKw('TRUE') || this.isKw('FALSE')) {
        direction = this.parsePrimary();
      }
      elements.push({ expr, direction });
      if (!this.isOp(',')) break;
      this.next();
    }
    return { type: 'sort', elements, pos: this.pos(start) };
  }

  // limit = "LIMIT" count | "LIMIT" offset "," count ;
  private parseLimit(): Statement {
    const start = this.next();
    const first = this.parseExpr();
    if (this.isOp(',')) {
      this.next();
      return { type: 'limit', offset: first, count: this.parseExpr(), pos: this.pos(start) };
    }
    return { type: 'limit', offset: null, count: first, pos: this.pos(start) };
  }

  // collect = "COLLECT" [groups] ( "WITH" "COUNT" "INTO" var | "AGGREGATE" aggs [into] | [into ["KEEP" vars]] ) [options] ;
  private parseCollect(): Statement {
    const start = this.next();
    const groups: { variable: string; expr: Expr }[] = [];
    const aggregates: { variable: string; func: string; args: Expr[]; pos: Pos }[] = [];
    let into: { variable: string; expr: Expr | null } | null = null;
    let keep: string[] | null = null;
    let count: string | null = null;
    let options: Expr | null = null;
    if (this.tok.kind === 'identifier' && this.isOp('=', this.peek())) {
      for (;;) {
        const variable = this.varName();
        this.expectOp('=');
        groups.push({ variable, expr: this.parseExpr() });
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    if (this.isKw('WITH')) {
      this.next();
      if (!this.isWord('COUNT')) {
        if (this.tok.kind === 'identifier') this.error(`unexpected qualifier '${this.tok.value}', expecting 'COUNT'`);
        this.unexpected();
      }
      this.next();
      this.expectKw('INTO');
      count = this.varName();
    } else {
      if (this.isKw('AGGREGATE')) {
        this.next();
        for (;;) {
          const variable = this.varName();
          this.expectOp('=');
          const at = this.tok;
          const e = this.parseExpr();
          if (e.type !== 'call') {
            throw new GdnError('QUERY_INVALID_AGGREGATE_EXPRESSION', 'aggregate expression must be a function call');
          }
          aggregates.push({ variable, func: e.name, args: e.args, pos: this.pos(at) });
          if (!this.isOp(',')) break;
          this.next();
        }
      }
      if (this.isKw('INTO')) {
        this.next();
        const variable = this.varName();
        let expr: Expr | null = null;
        if (this.isOp('=')) {
          this.next();
          expr = this.parseExpr();
        }
        into = { variable, expr };
        if (this.isWord('KEEP')) {
          this.next();
          keep = [this.varName()];
          while (this.isOp(',')) {
            this.next();
            keep.push(this.varName());
          }
        }
      } else if (this.isWord('KEEP')) {
        this.error("use of 'KEEP' without 'INTO'");
      }
    }
    if (this.tok.kind === 'identifier') {
      if (this.isWord('OPTIONS')) options = this.parseOptions();
      else this.error(`unexpected qualifier '${this.tok.value}', expecting 'OPTIONS'`);
    }
    return { type: 'collect', groups, aggregates, into, keep, count, options, pos: this.pos(start) };
  }

  // return = "RETURN" [ "DISTINCT" ] expr ;
  private parseReturn(hasFor: boolean, topLevel: boolean): Statement {
    const start = this.next();
    let distinct = false;
    if (this.isKw('DISTINCT')) {
      if (!hasFor && topLevel) this.error('cannot use DISTINCT modifier on top-level query element');
      this.next();
      distinct = true;
    }
    return { type: 'return', distinct, expr: this.parseExpr(), pos: this.pos(start) };
  }

  // The operand of INSERT/UPDATE/REPLACE/REMOVE/UPSERT: expr, where a top-level IN starts `inOrInto collRef`.
  private parseModOperand(): Expr {
    const saved = this.noIn;
    this.noIn = true;
    try {
      return this.parseExpr();
    } finally {
      this.noIn = saved;
    }
  }

  // inOrInto = "IN" | "INTO" ;  collRef = identifier | quotedString | "@@"name ;  [options]
  private parseTarget(): { collection: CollectionRef; options: Expr | null } {
    if (!this.isKw('IN') && !this.isKw('INTO')) this.unexpected();
    this.next();
    const t = this.tok;
    let collection: CollectionRef;
    if (t.kind === 'identifier' || t.kind === 'string') collection = { kind: 'name', name: t.value, pos: this.pos(t) };
    else if (t.kind === 'bindCollection') collection = { kind: 'bind', name: t.value, pos: this.pos(t) };
    else this.unexpected();
    this.next();
    let options: Expr | null = null;
    if (this.tok.kind === 'identifier') {
      if (this.isWord('OPTIONS')) options = this.parseOptions();
      else this.error(`unexpected qualifier '${this.tok.value}', expecting 'OPTIONS'`);
    }
    return { collection, options };
  }

  // insert = "INSERT" expr inOrInto collRef [options] ; update/replace = kw expr ["WITH" expr] inOrInto collRef [options] ;
  // remove = "REMOVE" expr inOrInto collRef [options] ;
  // upsert = "UPSERT" (object | bindParam) "INSERT" expr ("UPDATE" | "REPLACE") expr inOrInto collRef [options] ;
  private parseModification(): Statement {
    const start = this.next();
    const pos = this.pos(start);
    switch (start.value) {
      case 'INSERT': {
        const doc = this.parseModOperand();
        return { type: 'insert', doc, ...this.parseTarget(), pos };
      }
      case 'UPDATE':
      case 'REPLACE': {
        const key = this.parseModOperand();
        let doc: Expr | null = null;
        if (this.isKw('WITH')) {
          this.next();
          doc = this.parseModOperand();
        }
        return { type: start.value === 'UPDATE' ? 'update' : 'replace', key, doc, ...this.parseTarget(), pos };
      }
      case 'REMOVE': {
        const key = this.parseModOperand();
        return { type: 'remove', key, ...this.parseTarget(), pos };
      }
      default: {
        const search = this.parseModOperand();
        this.expectKw('INSERT');
        const insert = this.parseModOperand();
        if (!this.isKw('UPDATE') && !this.isKw('REPLACE')) this.unexpected();
        const replace = this.next().value === 'REPLACE';
        const update = this.parseModOperand();
        return { type: 'upsert', search, insert, update, replace, ...this.parseTarget(), pos };
      }
    }
  }

  // reference = "(" query ")" ;  funcCall argument = query ;   (the statements of a subquery)
  parseSubqueryBody(): Query {
    const saved = this.noIn;
    this.noIn = false;
    try {
      return { withCollections: [], statements: this.parseStatements(false) };
    } finally {
      this.noIn = saved;
    }
  }

  // expr = ternary | binary | unary | reference | literal ;
  parseExpr(): Expr {
    this.enter();
    try {
      return this.parseTernary();
    } finally {
      this.depth--;
    }
  }

  // expr = expr "?" expr ":" expr | expr "?" ":" expr | ... ;
  private parseTernary(): Expr {
    const cond = this.parseBinary(0);
    if (!this.isOp('?')) return cond;
    const q = this.next();
    this.enter();
    try {
      if (this.isOp(':')) {
        this.next();
        return { type: 'ternary', cond, then: null, else: this.parseTernary(), pos: this.pos(q) };
      }
      const then = this.parseTernary();
      this.expectOp(':');
      return { type: 'ternary', cond, then, else: this.parseTernary(), pos: this.pos(q) };
    } finally {
      this.depth--;
    }
  }

  // expr = expr ("||" | "OR") expr | expr ("&&" | "AND") expr | expr quantifier cmpOp expr
  //      | expr ("==" | "!=" | "LIKE" | "NOT" "LIKE" | "=~" | "!~") expr | expr ("IN" | "NOT IN") expr
  //      | expr ("<" | "<=" | ">" | ">=") expr | expr ".." expr | expr ("+" | "-") expr | expr ("*" | "/" | "%") expr ;
  // Precedence climbing, lowest first: 0 `||`, 1 `&&`, 2 quantifiers, 3 equality, 4 IN, 5 relational, 6 `..`, 7 additive, 8 multiplicative.
  private parseBinary(level: number): Expr {
    if (level > 8) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    const base = this.depth;
    try {
      for (;;) {
        const t = this.tok;
        const op = this.binaryOpAt(level);
        if (op === null) return left;
        this.enter();
        if (level === 2) {
          const quantifier = t.value as 'ALL' | 'ANY' | 'NONE';
          this.next();
          const cmp = this.comparisonAfterQuantifier();
          left = { type: 'quantified', quantifier, op: cmp, left, right: this.parseBinary(3), pos: this.pos(t) };
          continue;
        }
        const right = this.parseBinary(level + 1);
        if (op === 'Q') return this.unexpected(t);
        if (op === '||' || op === '&&') left = { type: 'logical', op, left, right, pos: this.pos(t) };
        else left = { type: 'binary', op, left, right, pos: this.pos(t) };
      }
    } finally {
      this.depth = base;
    }
  }

  private startsComparison(t: Token): boolean {
    return (t.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.value)) || this.isKw('IN', t) || this.isKw('NOT', t);
  }

  // quantifier cmpOp = ("ALL" | "ANY" | "NONE") ("==" | "!=" | "<" | "<=" | ">" | ">=" | "IN" | "NOT" "IN") ;
  private comparisonAfterQuantifier(): BinaryOp {
    const t = this.tok;
    if (t.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.value)) {
      this.next();
      return t.value as BinaryOp;
    }
    if (this.isKw('IN')) { this.next(); return 'IN'; }
    if (this.isKw('NOT') && this.isKw('IN', this.peek())) { this.next(); this.next(); return 'NOT IN'; }
    return this.unexpected();
  }

  /** Returns (and consumes) the operator of `level` at the current token, or null. */
  private binaryOpAt(level: number): BinaryOp | '||' | '&&' | 'Q' | null {
    const t = this.tok;
    const v = t.value;
    switch (level) {
      case 0:
        if (this.isOp('||') || this.isKw('OR')) { this.next(); return '||'; }
        return null;
      case 1:
        if (this.isOp('&&') || this.isKw('AND')) { this.next(); return '&&'; }
        return null;
      case 2:
        if (t.kind !== 'keyword' || (v !== 'ALL' && v !== 'ANY' && v !== 'NONE')) return null;
        // In a FOR that may be a graph form, `ANY` is the direction unless a comparison follows.
        if (this.graphContext > 0 && v === 'ANY' && !this.startsComparison(this.peek())) return null;
        return 'Q';
      case 3:
        if (t.kind === 'op' && (v === '==' || v === '!=' || v === '=~' || v === '!~')) { this.next(); return v; }
        if (this.isKw('LIKE')) { this.next(); return 'LIKE'; }
        if (this.isKw('NOT') && this.isKw('LIKE', this.peek())) { this.next(); this.next(); return 'NOT LIKE'; }
        if (this.isKw('NOT') && this.isOp('=~', this.peek())) { this.next(); this.next(); return '!~'; }
        return null;
      case 4:
        if (this.noIn) return null;
        if (this.isKw('IN')) { this.next(); return 'IN'; }
        if (this.isKw('NOT') && this.isKw('IN', this.peek())) { this.next(); this.next(); return 'NOT IN'; }
        return null;
      case 5:
        if (t.kind === 'op' && (v === '<' || v === '<=' || v === '>' || v === '>=')) { this.next(); return v; }
        return null;
      case 6:
        if (this.isOp('..')) { this.next(); return '..'; }
        return null;
      case 7:
        if (t.kind === 'op' && (v === '+' || v === '-')) { this.next(); return v; }
        return null;
      default:
        if (t.kind === 'op' && (v === '*' || v === '/' || v === '%')) { this.next(); return v; }
        return null;
    }
  }

  // unary = ("!" | "NOT" | "+" | "-") expr | reference ;
  private parseUnary(): Expr {
    const t = this.tok;
    if (this.isOp('!') || this.isKw('NOT') || this.isOp('-') || this.isOp('+')) {
      this.next();
      this.enter();
      try {
        const operand = this.parseUnary();
        const op = t.value === 'NOT' ? '!' : (t.value as '!' | '-' | '+');
        return { type: 'unary', op, operand, pos: this.pos(t) };
      } finally {
        this.depth--;
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  // reference | literal   (see parser-expr.ts)
  parsePrimary(): Expr {
    return parsePrimaryExpr(this);
  }

  // reference "." name | reference "[" expr "]" | reference "[*" ... "]"   (see parser-expr.ts)
  parsePostfix(base: Expr): Expr {
    return parsePostfixExpr(this, base);
  }

  // ParserApi, used by the expression helpers in parser-expr.ts.
  get current(): Token { return this.tok; }
  lookahead(n: number): Token { return this.peek(n); }
  advance(): Token { return this.next(); }
  op(op: string, t?: Token): boolean { return this.isOp(op, t); }
  kw(kw: string, t?: Token): boolean { return this.isKw(kw, t); }
  expect(op: string): Token { return this.expectOp(op); }
  at(t?: Token): Pos { return this.pos(t); }
  isStatementStart(t: Token): boolean { return t.kind === 'keyword' && STATEMENT_KEYWORDS.has(t.value); }
  withIn<T>(f: () => T): T {
    const saved = this.noIn;
    this.noIn = false;
    try { return f(); } finally { this.noIn = saved; }
  }
  expansionDepth(delta: number): number { this.inExpansion += delta; return this.inExpansion; }
  nest<T>(f: () => T): T {
    this.enter();
    try { return f(); } finally { this.depth--; }
  }
  deeper(): void { this.enter(); }
  shallower(levels: number): void { this.depth -= levels; }
  word(word: string, t?: Token): boolean { return this.isWord(word, t); }
  graphExpr<T>(f: () => T): T {
    this.graphContext++;
    try { return f(); } finally { this.graphContext--; }
  }
  unsupported(feature: string, at: Token): void {
    this.firstUnsupported ??= { feature, at };
  }
}

