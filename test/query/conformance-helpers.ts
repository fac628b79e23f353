import { readFileSync } from 'node:fs';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';
import { MemorySource } from './memory-source.js';

export interface Case {
  file: string;
  query: string;
  bindVars: Record<string, unknown>;
  expected?: unknown[];
  errorNum?: number;
  warnings?: number[];
  tags?: string[];
}

export const CONFORMANCE_DIR = new URL('../../../shared/conformance/c8ql/', import.meta.url);
export const FILES = ['cases.jsonl', 'unordered-cases.jsonl', 'error-cases.jsonl'];

export function loadCases(): Case[] {
  return FILES.flatMap((file) => readFileSync(new URL(file, CONFORMANCE_DIR), 'utf8')
    .split('\n').filter((l) => l.trim() !== '')
    .map((l) => ({ file, ...(JSON.parse(l) as Omit<Case, 'file'>) })));
}

export function isNewer(c: Case): boolean {
  return (c.tags ?? []).some((t) => t.startsWith('newer-than-c8ql'));
}

function numbersClose(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** Deep equality: numbers with relative tolerance 1e-12, object key order ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return numbersClose(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k)
    && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function multisetEqual(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => deepEqual(x, y));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

export interface Outcome {
  pass: boolean;
  detail: string;
}

/** What running a case gave: its result and warning codes, or the errorNum it failed with. */
export type Run = { result: unknown[]; warnings: number[] } | { errorNum: number; message: string };

/** Judges a run of a case by the comparison rules of spec/c8ql.md §5.2. */
export function judge(c: Case, run: Run): Outcome {
  if ('errorNum' in run) {
    if (c.errorNum !== undefined) {
      return { pass: run.errorNum === c.errorNum, detail: `expected error ${c.errorNum}, got ${run.errorNum}: ${run.message}` };
    }
    return { pass: false, detail: `unexpected error ${run.errorNum}: ${run.message}` };
  }
  if (c.errorNum !== undefined) return { pass: false, detail: `expected error ${c.errorNum}, got result ${JSON.stringify(run.result)}` };
  const expected = c.expected ?? [];
  let ok: boolean;
  if (c.file === 'unordered-cases.jsonl') {
    const single = expected.length === 1 && Array.isArray(expected[0]) && run.result.length === 1 && Array.isArray(run.result[0]);
    ok = single ? multisetEqual(run.result[0] as unknown[], expected[0] as unknown[]) : multisetEqual(run.result, expected);
  } else {
    ok = deepEqual(run.result, expected);
  }
  if (!ok) return { pass: false, detail: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(run.result)}` };
  const missing = (c.warnings ?? []).filter((w) => !run.warnings.includes(w));
  if (missing.length > 0) return { pass: false, detail: `missing warnings ${missing.join(',')}, got ${run.warnings.join(',')}` };
  return { pass: true, detail: '' };
}

export function runCase(c: Case): Outcome {
  try {
    const res = executeQuery(c.query, c.bindVars, new MemorySource());
    return judge(c, { result: res.result, warnings: res.warnings.map((w) => w.code) });
  } catch (e) {
    if (!isGdnError(e)) return { pass: false, detail: `non-GdnError thrown: ${String(e)}` };
    return judge(c, { errorNum: e.errorNum, message: e.message });
  }
}
