/**
 * Token kinds of the C8QL lexer and the display names ArangoDB's bison grammar gives them; parse
 * errors quote these names verbatim ("syntax error, unexpected assignment near ..."), so clients
 * matching on messages see the same text as from a real GDN.
 */
export type TokenKind =
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'integer'
  | 'double'
  | 'bind'
  | 'bindCollection'
  | 'op'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Keyword (upper-cased), operator text, identifier name, decoded string, or bind name. */
  readonly value: string;
  /** Numeric value of integer/double tokens. */
  readonly num?: number;
  /** Offset into the query string (UTF-16 units). */
  readonly offset: number;
  /** 1-based line and column of the token start. */
  readonly line: number;
  readonly column: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'FOR', 'LET', 'FILTER', 'RETURN', 'COLLECT', 'SORT', 'LIMIT', 'DISTINCT', 'AGGREGATE', 'ASC', 'DESC',
  'NOT', 'AND', 'OR', 'IN', 'INTO', 'WITH', 'REMOVE', 'INSERT', 'UPDATE', 'REPLACE', 'UPSERT', 'GRAPH',
  'SHORTEST_PATH', 'K_SHORTEST_PATHS', 'OUTBOUND', 'INBOUND', 'ANY', 'ALL', 'NONE', 'LIKE', 'NULL',
  'TRUE', 'FALSE',
]);

const KEYWORD_NAMES: Readonly<Record<string, string>> = {
  FOR: 'FOR declaration', LET: 'LET declaration', FILTER: 'FILTER declaration',
  RETURN: 'RETURN declaration', COLLECT: 'COLLECT declaration', SORT: 'SORT declaration',
  LIMIT: 'LIMIT declaration', ASC: 'ASC keyword', DESC: 'DESC keyword', IN: 'IN keyword',
  WITH: 'WITH keyword', INTO: 'INTO keyword', AGGREGATE: 'AGGREGATE keyword',
  DISTINCT: 'DISTINCT modifier', REMOVE: 'REMOVE command', INSERT: 'INSERT command',
  UPDATE: 'UPDATE command', REPLACE: 'REPLACE command', UPSERT: 'UPSERT command', NULL: 'null',
  TRUE: 'true', FALSE: 'false', NOT: 'not operator', AND: 'and operator', OR: 'or operator',
  LIKE: 'like operator', GRAPH: 'GRAPH keyword', SHORTEST_PATH: 'SHORTEST_PATH keyword',
  K_SHORTEST_PATHS: 'K_SHORTEST_PATHS keyword', OUTBOUND: 'outbound modifier',
  INBOUND: 'inbound modifier', ANY: 'any modifier', ALL: 'all modifier', NONE: 'none modifier',
};

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '=': 'assignment', '!': 'not operator', '&&': 'and operator', '||': 'or operator',
  '=~': '~= operator', '!~': '~! operator', '==': '== operator', '!=': '!= operator',
  '<': '< operator', '>': '> operator', '<=': '<= operator', '>=': '>= operator',
  '+': '+ operator', '-': '- operator', '*': '* operator', '/': '/ operator', '%': '% operator',
};

const PUNCTUATION: ReadonlySet<string> = new Set(['?', ':', '::', '..', ',', '.', '(', ')', '[', ']', '{', '}']);

/** The name bison prints for a token in "unexpected X". */
export function tokenDisplayName(t: Token): string {
  switch (t.kind) {
    case 'keyword': return KEYWORD_NAMES[t.value] ?? t.value;
    case 'identifier': return 'identifier';
    case 'string': return 'quoted string';
    case 'integer': return 'integer number';
    case 'double': return 'number';
    case 'bind': return 'bind parameter';
    case 'bindCollection': return 'bind data source parameter';
    case 'eof': return 'end of query string';
    case 'op': return OPERATOR_NAMES[t.value] ?? (PUNCTUATION.has(t.value) ? t.value : '$undefined');
  }
}
