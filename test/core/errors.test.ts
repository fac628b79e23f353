import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, GdnError } from '../../src/core/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it.each(Object.entries(ERRORS))('docs/errors.md lists %s with its number and status', (name, spec) => {
    expect(doc).toContain(`| ${spec.errorNum} | ${spec.status} | \`${name}\` | ${spec.message} |`);
  });

  it('docs/errors.md lists nothing the registry lacks', () => {
    const names = [...doc.matchAll(/\| `([A-Z_]+)` \|/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(ERRORS).sort());
  });

  it('a GdnError carries the registry status and number and extra fields', () => {
    const e = new GdnError('PRECONDITION_FAILED', undefined, { _rev: 'x' });
    expect([e.status, e.errorNum, e.message, e.extra]).toEqual([412, 1200, 'precondition failed', { _rev: 'x' }]);
  });
});
