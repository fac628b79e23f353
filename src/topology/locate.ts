import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/**
 * Maps a zod issue path back to the YAML source, so errors name a line and column rather than a
 * path into parsed JSON. A path ending in a mapping key points at the key (`port:` on line 7), a path
 * ending in a sequence index at the item. When the path runs out of nodes (a missing key), the
 * position is that of the deepest existing ancestor.
 */
export interface SourcePosition {
  line: number;
  column: number;
}

function start(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

export function locate(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): SourcePosition {
  let node: unknown = doc.contents;
  let offset = start(node) ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let child: unknown;
    let childOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : p.key) === String(segment));
      child = pair?.value;
      childOffset = pair ? start(pair.key) : undefined;
    } else if (isSeq(node) && typeof segment === 'number') {
      child = node.items[segment];
      childOffset = start(child);
    }
    if (childOffset === undefined) break;
    offset = childOffset;
    node = child;
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
