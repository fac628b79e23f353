/** Small helpers shared by the bench sections. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reads a positive integer knob from the environment, so a quick run can shrink the counts. */
export function envInt(name, fallback) {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A fresh temp dir and its removal. */
export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `fabric-emu-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A ~200-byte address document, the seed tutorial's shape; the same i gives the same text. */
export function addressDocument(i) {
  const n = String(i).padStart(5, '0');
  return JSON.stringify({
    name: `Jane Doe ${n}`,
    email: `jane.doe.${n}@example.com`,
    zipcode: String(10000 + ((i * 7919) % 89999)),
    street: `${100 + (i % 9000)} Market Street, Apt ${1 + (i % 40)}`,
    city: 'San Francisco',
    state: 'CA',
    country: 'United States',
    phone: `+1-415-555-${String(i % 10000).padStart(4, '0')}`,
  });
}

/** Progress goes to stderr so that stdout holds only the summary table. */
export function progress(msg) {
  process.stderr.write(`  ${msg}\n`);
}
