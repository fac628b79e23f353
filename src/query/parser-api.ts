import type { ErrorName } from '../core/errors.js';
import type { Expr, Pos, Query } from './ast.js';
import type { Token } from './tokens.js';

/** The parser state the expression helpers (parser-expr.ts) use; implemented by the Parser class. */
export interface ParserApi {
  readonly current: Token;
  readonly warnings: { code: number; message: string }[];
  lookahead(n: number): Token;
  advance(): Token;
  op(op: string, t?: Token): boolean;
  kw(kw: string, t?: Token): boolean;
  expect(op: string): Token;
  at(t?: Token): Pos;
  isStatementStart(t: Token): boolean;
  /** Runs `f` with IN allowed again (inside brackets IN is an operator even in a modification operand). */
  withIn<T>(f: () => T): T;
  /** Adjusts and returns the `[* ...]` nesting depth (CURRENT is only valid inside). */
  expansionDepth(delta: number): number;
  /** Runs `f` one nesting level deeper, enforcing the depth limit. */
  nest<T>(f: () => T): T;
  /** One level deeper until `shallower` (a step of a postfix chain), enforcing the depth limit. */
  deeper(): void;
  shallower(levels: number): void;
  parseExpr(): Expr;
  parseSubqueryBody(): Query;
  unexpected(t?: Token): never;
  error(message: string, t?: Token, name?: ErrorName): never;
  /** A contextual word (OPTIONS, TO, PRUNE, ...), compared case-insensitively. */
  word(word: string, t?: Token): boolean;
  /** options = "OPTIONS" object ; the current token is OPTIONS. */
  parseOptions(): unknown;
  /** Runs `f` where ANY is a graph direction unless a comparison follows it. */
  graphExpr<T>(f: () => T): T;
  /** Records a feature the engine cannot run; reported (501) if the whole query parses. */
  unsupported(feature: string, t: Token): void;
}
