import type { ParserApi } from './parser-api.js';
import type { Token } from './tokens.js';

/**
 * The graph forms of FOR (ArangoDB 3.4 grammar.y). fabric-emu has no graph engine: it parses these
 * forms completely, so a real syntax error still answers 1501, and reports the form as not
 * supported yet once the whole query has parsed.
 */
const DIRECTIONS: ReadonlySet<string> = new Set(['OUTBOUND', 'INBOUND', 'ANY']);

export function isDirection(t: Token): boolean {
  return t.kind === 'keyword' && DIRECTIONS.has(t.value);
}

// traversal    = [ depth ] direction startExpr graphSubject [ "PRUNE" expr ] [ options ] ;
// shortestPath = direction ( "SHORTEST_PATH" | "K_SHORTEST_PATHS" ) startExpr "TO" targetExpr graphSubject [ options ] ;
// The depth, if any, has been parsed already; the current token is the direction.
export function parseGraphFor(p: ParserApi, variables: number): void {
  const direction = p.advance();
  if (p.kw('SHORTEST_PATH') || p.kw('K_SHORTEST_PATHS')) {
    const kind = p.advance();
    const max = kind.value === 'SHORTEST_PATH' ? 2 : 1;
    if (variables > max) p.error(`${kind.value} only allows up to ${max} return variable${max > 1 ? 's' : ''}`, kind);
    p.graphExpr(() => p.parseExpr());
    if (!p.word('TO')) p.unexpected();
    p.advance();
    p.graphExpr(() => p.parseExpr());
    parseGraphSubject(p);
    parseGraphOptions(p);
    p.unsupported(`${kind.value} (${direction.value})`, kind);
    return;
  }
  p.graphExpr(() => p.parseExpr());
  parseGraphSubject(p);
  if (p.word('PRUNE')) {
    p.advance();
    p.parseExpr();
  }
  parseGraphOptions(p);
  p.unsupported(`graph traversal (${direction.value})`, direction);
}

// graphSubject = "GRAPH" graphName | edgeColl { "," edgeColl } ;
// edgeColl = [ direction ] ( identifier | quotedString | bindParam | "@@"name ) ;  graphName = identifier | quotedString | bindParam ;
function parseGraphSubject(p: ParserApi): void {
  if (p.kw('GRAPH')) {
    p.advance();
    const t = p.current;
    if (t.kind !== 'identifier' && t.kind !== 'string' && t.kind !== 'bind') p.unexpected();
    p.advance();
    return;
  }
  for (;;) {
    if (isDirection(p.current)) p.advance();
    const t = p.current;
    if (t.kind !== 'identifier' && t.kind !== 'string' && t.kind !== 'bind' && t.kind !== 'bindCollection') p.unexpected();
    p.advance();
    if (!p.op(',')) return;
    p.advance();
  }
}

function parseGraphOptions(p: ParserApi): void {
  if (p.word('OPTIONS')) p.parseOptions();
}
