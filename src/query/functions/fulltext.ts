import { GdnError } from '../../core/errors.js';
import type { Document } from '../datasource.js';
import { def, type FnContext, type FnDef } from './context.js';
import { argumentMismatch, attributeAt, indexedCollection } from './index-lookup.js';

/**
 * FULLTEXT(coll, attribute, query, limit), as AQL 3.4 with a fulltext index: it needs such an
 * index on `attribute` (1571 otherwise) and takes its minLength, but matches by reading the
 * collection, which gives the same documents. Words are what ICU's word breaker finds (Node's
 * Intl.Segmenter is ICU too), lower-cased and cut at 40 characters, as the index keeps them.
 */
const MAX_WORD_LENGTH = 40;
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

function words(text: string, minLength: number): Set<string> {
  const out = new Set<string>();
  for (const s of segmenter.segment(text.normalize('NFC').toLowerCase())) {
    if (!s.isWordLike) continue;
    const w = [...s.segment];
    if (w.length >= minLength) out.add(w.slice(0, MAX_WORD_LENGTH).join(''));
  }
  return out;
}

/** What an index keeps of the attribute: a string, the strings of an array, an object's string values. */
function indexedText(doc: Document, path: string): string[] {
  const v = attributeAt(doc, path);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (v !== null && typeof v === 'object') return Object.values(v).filter((x): x is string => typeof x === 'string');
  return [];
}

interface Term {
  op: '+' | '|' | '-';
  prefix: boolean;
  word: string;
}

function parse(query: string): Term[] {
  const terms: Term[] = [];
  for (const raw of query.split(',')) {
    let t = raw.trim();
    let op: Term['op'] = '+';
    if (t.startsWith('+') || t.startsWith('|') || t.startsWith('-')) {
      op = t[0] as Term['op'];
      t = t.slice(1).trim();
    }
    let prefix = false;
    if (/^prefix:/i.test(t)) {
      prefix = true;
      t = t.slice('prefix:'.length);
    } else if (/^complete:/i.test(t)) t = t.slice('complete:'.length);
    const word = [...t.trim().normalize('NFC').toLowerCase()].slice(0, MAX_WORD_LENGTH).join('');
    if (word !== '') terms.push({ op, prefix, word });
  }
  return terms;
}

function matches(have: Set<string>, t: Term): boolean {
  if (!t.prefix) return have.has(t.word);
  for (const w of have) if (w.startsWith(t.word)) return true;
  return false;
}

/** Left to right, no precedence: the first term's set, then each term intersects, unites or removes. */
function selected(have: Set<string>, terms: Term[]): boolean {
  let inSet = false;
  terms.forEach((t, i) => {
    const m = matches(have, t);
    if (i === 0) inSet = t.op === '-' ? false : m;
    else if (t.op === '+') inSet = inSet && m;
    else if (t.op === '|') inSet = inSet || m;
    else inSet = inSet && !m;
  });
  return inSet;
}

function fulltext(ctx: FnContext, a: unknown[], name: string): Document[] {
  const [coll, attribute, query, limit] = a;
  if (typeof coll !== 'string' || typeof attribute !== 'string' || typeof query !== 'string') throw argumentMismatch(name);
  if (limit !== undefined && limit !== null && typeof limit !== 'number') throw argumentMismatch(name);
  const { source, index } = indexedCollection(ctx, coll, (i) => i.type === 'fulltext' && i.fields.length === 1 && i.fields[0] === attribute,
    () => new GdnError('QUERY_FULLTEXT_INDEX_MISSING', `no suitable fulltext index found for fulltext query on '${coll}'`));
  const terms = parse(query);
  const cap = typeof limit === 'number' && limit > 0 ? Math.floor(limit) : Infinity;
  const out: Document[] = [];
  if (terms.length === 0) return out;
  for (const doc of source.documents(coll)) {
    if (out.length >= cap) break;
    const texts = indexedText(doc, attribute);
    ctx.work(1 + texts.reduce((n, s) => n + s.length, 0));
    if (texts.length === 0) continue;
    const have = new Set<string>();
    for (const s of texts) for (const w of words(s, index.minLength ?? 2)) have.add(w);
    if (selected(have, terms)) out.push(doc);
  }
  return out;
}

export const FULLTEXT_FUNCTIONS: Record<string, FnDef> = {
  FULLTEXT: def(3, 4, fulltext),
};
