import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared conformance corpus lives outside this repository (CI lays `shared/` beside the clone),
 * so it is read only by `npm run test:conformance`, never by `npm test`.
 * FABRIC_EMU_CONFORMANCE_DIR points elsewhere when it is not beside the clone.
 */
export const CORPUS_DIR = process.env.FABRIC_EMU_CONFORMANCE_DIR
  ?? fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

export const C8QL_FILES = ['cases.jsonl', 'unordered-cases.jsonl', 'error-cases.jsonl'] as const;

export interface Case {
  file: string;
  /** 1-based line of the case in its file. */
  line: number;
  query: string;
  bindVars: Record<string, unknown>;
  expected?: unknown[];
  errorNum?: number;
  warnings?: number[];
  tags?: string[];
}

/** Throws a message that says what is missing and how to provide it; the runner never skips. */
export function checkCorpus(): void {
  const dir = `${CORPUS_DIR.replace(/\/$/, '')}/c8ql`;
  const missing = C8QL_FILES.filter((f) => !existsSync(`${dir}/${f}`));
  if (missing.length > 0) {
    throw new Error(`C8QL conformance corpus not found: ${missing.map((f) => `${dir}/${f}`).join(', ')} missing. `
      + 'Lay the shared folder beside the clone (../shared/conformance) or set FABRIC_EMU_CONFORMANCE_DIR to its conformance/ folder.');
  }
}

export function loadCases(): Case[] {
  checkCorpus();
  const dir = `${CORPUS_DIR.replace(/\/$/, '')}/c8ql`;
  return C8QL_FILES.flatMap((file) => readFileSync(`${dir}/${file}`, 'utf8').split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => ({ file, line, ...(JSON.parse(text) as Omit<Case, 'file' | 'line'>) })));
}

/** The graph corpus's size, for the line that says it is not run. */
export function graphCaseCount(): number | null {
  const dir = `${CORPUS_DIR.replace(/\/$/, '')}/graph`;
  if (!existsSync(dir)) return null;
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl'))
    .reduce((n, f) => n + readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter((l) => l.trim() !== '').length, 0);
}

/** A test name that identifies the case: file, line and the query on one line. */
export function caseName(c: Case): string {
  const q = c.query.replace(/\s+/g, ' ').trim();
  return `${c.file}:${c.line} ${q.length > 100 ? `${q.slice(0, 97)}...` : q}`;
}

export function isNewer(c: Case): boolean {
  return (c.tags ?? []).some((t) => t.startsWith('newer-than-c8ql'));
}
