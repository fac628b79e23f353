/** Seeded generators of random and mutated C8QL queries, shared by the engine and HTTP fuzz tests. */
/** mulberry32: tiny deterministic PRNG so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  'FOR', 'x', 'IN', 'users', 'RETURN', 'FILTER', 'LET', 'y', '=', '==', '!=', '<', '>=', 'SORT', 'DESC', 'LIMIT',
  'COLLECT', 'INTO', 'g', 'WITH', 'COUNT', 'AGGREGATE', 'KEEP', 'DISTINCT', 'INSERT', 'UPDATE', 'REPLACE', 'REMOVE',
  'UPSERT', 'OPTIONS', 'NEW', 'OLD', 'CURRENT', '[*]', '[**]', '[', ']', '(', ')', '{', '}', ',', ':', '?', '.', '..',
  '+', '-', '*', '/', '%', '!', '&&', '||', 'NOT', 'AND', 'OR', 'LIKE', '=~', '!~', 'ALL', 'ANY', 'NONE', 'null',
  'true', 'false', '0', '1', '-1', '1e308', '9999999', '"a"', "'b'", '`c`', '@value', '@@coll', 'LENGTH(', 'RANGE(',
  'MERGE(', 'CONCAT(', 'DOCUMENT(', 'SUM(', 'x.a', 'u', '/*', '*/', '//', '\n', '"', "'", '`',
];

function tokens(q: string): string[] {
  return q.match(/\s+|[A-Za-z_@$][A-Za-z0-9_]*|\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S/g) ?? [];
}

export function mutate(q: string, rnd: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const ops = rnd() < 0.7 ? 1 : 2;
  let out = q;
  for (let n = 0; n < ops; n++) {
    if (rnd() < 0.6) {
      const ts = tokens(out);
      const i = Math.floor(rnd() * Math.max(1, ts.length));
      const r = rnd();
      if (r < 0.3) ts.splice(i, 1);
      else if (r < 0.6) ts.splice(i, 0, ` ${pick(VOCAB)} `);
      else if (r < 0.8 && ts.length > 1) {
        const j = Math.floor(rnd() * ts.length);
        [ts[i], ts[j]] = [ts[j] as string, ts[i] as string];
      } else ts[i] = ` ${pick(VOCAB)} `;
      out = ts.join('');
    } else {
      const i = Math.floor(rnd() * (out.length + 1));
      const r = rnd();
      if (r < 0.4) out = out.slice(0, i) + out.slice(i + 1);
      else if (r < 0.8) out = out.slice(0, i) + pick([...'()[]{}.,:;"\'`@*%!=<>-+?/\\ 0a_']) + out.slice(i);
      else if (out.length > 1) {
        const j = Math.floor(rnd() * out.length);
        const a = [...out];
        [a[i % a.length], a[j]] = [a[j] as string, a[i % a.length] as string];
        out = a.join('');
      }
    }
  }
  return out;
}

export function randomQuery(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 14);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(VOCAB[Math.floor(rnd() * VOCAB.length)] as string);
  return parts.join(' ');
}

