import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fabricSecret, SECRET_FILE } from '../../src/fabric/secret.js';
import { tempDir } from '../helpers/tmp.js';

describe('the fabric secret in the data dir', () => {
  it('is made once at the first start, whole, and kept for later starts', () => {
    const dir = tempDir('secret');
    const first = fabricSecret(dir, {});
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(dir)).toEqual([SECRET_FILE]);
    expect(readFileSync(join(dir, SECRET_FILE), 'utf8')).toBe(`${first}\n`);
    expect(fabricSecret(dir, {})).toBe(first);
  });

  it('an empty file left by a first start killed while writing it gets a secret instead of refusing every later start', () => {
    const dir = tempDir('secret');
    writeFileSync(join(dir, SECRET_FILE), '');
    const made = fabricSecret(dir, {});
    expect(made).toMatch(/^[0-9a-f]{64}$/);
    expect(fabricSecret(dir, {})).toBe(made);
  });

  it('a file with a short secret is still refused, naming the file', () => {
    const dir = tempDir('secret');
    writeFileSync(join(dir, SECRET_FILE), 'short\n');
    expect(() => fabricSecret(dir, {})).toThrow(/fabric\.secret holds no usable secret/);
  });
});
