/**
 * The C8QL abstract syntax tree. Operators that the grammar rewrites into function calls
 * (LIKE, =~, !~) stay operators here so explain output reads like the query.
 */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type BinaryOp =
  | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN'
  | '+' | '-' | '*' | '/' | '%' | '..' | 'LIKE' | 'NOT LIKE' | '=~' | '!~';

export type Quantifier = 'ALL' | 'ANY' | 'NONE';

export type Expr =
  | { type: 'value'; value: unknown; pos: Pos }
  | { type: 'array'; elements: Expr[]; pos: Pos }
  | { type: 'object'; members: ObjectMember[]; pos: Pos }
  /** A bare name: a variable if one is in scope, else a collection (resolved by validate). */
  | { type: 'ref'; name: string; pos: Pos }
  | { type: 'variable'; name: string; pos: Pos }
  | { type: 'collection'; name: string; pos: Pos }
  | { type: 'bind'; name: string; pos: Pos }
  | { type: 'bindCollection'; name: string; pos: Pos }
  | { type: 'attr'; object: Expr; name: string | Expr; pos: Pos }
  | { type: 'index'; object: Expr; index: Expr; pos: Pos }
  | { type: 'expand'; object: Expr; levels: number; filter: Expr | null; limit: { offset: Expr | null; count: Expr } | null; ret: Expr | null; post: Expr | null; pos: Pos }
  /** The element inside an expansion's `post` projection. */
  | { type: 'expandItem'; pos: Pos }
  | { type: 'current'; pos: Pos }
  | { type: 'unary'; op: '!' | '-' | '+'; operand: Expr; pos: Pos }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: Pos }
  | { type: 'quantified'; quantifier: Quantifier; op: BinaryOp; left: Expr; right: Expr; pos: Pos }
  | { type: 'logical'; op: '&&' | '||'; left: Expr; right: Expr; pos: Pos }
  | { type: 'ternary'; cond: Expr; then: Expr | null; else: Expr; pos: Pos }
  | { type: 'call'; name: string; args: Expr[]; pos: Pos }
  | { type: 'subquery'; query: Query; pos: Pos };

export interface ObjectMember {
  /** A literal key, or an expression whose value is converted to a string. */
  key: string | Expr;
  value: Expr;
  /** `{ x }`: the variable must exist (1512) rather than fall back to a collection. */
  shorthand?: boolean;
}

export interface ModOptions {
  /** Constant object literal given by OPTIONS, evaluated at compile time. */
  value: Record<string, unknown>;
}

export type CollectionRef =
  | { kind: 'name'; name: string; pos: Pos }
  | { kind: 'bind'; name: string; pos: Pos };

export interface SortElement {
  expr: Expr;
  /** true = ascending; an Expr when given as a bind parameter or literal resolved at run time. */
  direction: boolean | Expr;
}

export type Statement =
  | { type: 'for'; variable: string; source: Expr; options: Expr | null; pos: Pos }
  | { type: 'let'; variable: string; expr: Expr; pos: Pos }
  | { type: 'filter'; expr: Expr; pos: Pos }
  | { type: 'sort'; elements: SortElement[]; pos: Pos }
  | { type: 'limit'; offset: Expr | null; count: Expr; pos: Pos }
  | { type: 'collect'; groups: { variable: string; expr: Expr }[]; aggregates: { variable: string; func: string; args: Expr[]; pos: Pos }[]; into: { variable: string; expr: Expr | null } | null; keep: string[] | null; count: string | null; options: Expr | null; pos: Pos;
      /** Filled by validation: the variables copied into each INTO group member. */
      intoVariables?: string[] }
  | { type: 'return'; distinct: boolean; expr: Expr; pos: Pos }
  | { type: 'insert'; doc: Expr; collection: CollectionRef; options: Expr | null; pos: Pos }
  | { type: 'update' | 'replace'; key: Expr; doc: Expr | null; collection: CollectionRef; options: Expr | null; pos: Pos }
  | { type: 'remove'; key: Expr; collection: CollectionRef; options: Expr | null; pos: Pos }
  | { type: 'upsert'; search: Expr; insert: Expr; update: Expr; replace: boolean; collection: CollectionRef; options: Expr | null; pos: Pos };

export type ModificationStatement = Extract<Statement, { type: 'insert' | 'update' | 'replace' | 'remove' | 'upsert' }>;

export interface Query {
  /** Collections named in a leading WITH clause. */
  withCollections: string[];
  statements: Statement[];
}

export function isModification(s: Statement): s is ModificationStatement {
  return s.type === 'insert' || s.type === 'update' || s.type === 'replace' || s.type === 'remove' || s.type === 'upsert';
}
