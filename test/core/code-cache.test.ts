import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCached } from '../../src/core/code-cache.js';
import { tempDir } from '../helpers/tmp.js';

const seen = globalThis as { codeCacheSeen?: string[] };

/** A CommonJS file using what Node gives a module (require, module, __filename) and a function compiled only when called. */
function script(dir: string): string {
  const file = join(dir, 'bundle.cjs');
  writeFileSync(file, [
    "const { basename } = require('node:path');",
    'function later() { return basename(__filename); }',
    'module.exports = later;',
    '(globalThis.codeCacheSeen ??= []).push(later());',
  ].join('\n'));
  return file;
}

function setup() {
  const cache = tempDir('code-cache');
  vi.stubEnv('NODE_COMPILE_CACHE', cache);
  const file = script(tempDir('code-cache-src'));
  const cacheFiles = () => readdirSync(cache).filter((f) => f.endsWith('.v8')).map((f) => join(cache, f));
  return { file, cacheFiles };
}

afterEach(() => {
  vi.unstubAllEnvs();
  delete seen.codeCacheSeen;
});

describe('runCached', () => {
  it('runs the file as a CommonJS module and saves its code for the next run, which uses it', () => {
    const { file, cacheFiles } = setup();
    const first = runCached(file);
    expect(seen.codeCacheSeen).toEqual(['bundle.cjs']);
    expect(cacheFiles()).toEqual([]);
    first.save();
    const [saved] = cacheFiles();
    expect(saved).toBeDefined();
    const written = statSync(saved!).mtimeMs;
    const bytes = readFileSync(saved!);

    runCached(file).save();
    expect(seen.codeCacheSeen).toEqual(['bundle.cjs', 'bundle.cjs']);
    // The second run had a cache it could use, so it leaves the file as it was.
    expect(readFileSync(saved!).equals(bytes)).toBe(true);
    expect(statSync(saved!).mtimeMs).toBe(written);
  });

  it('runs without a damaged cache and replaces it', () => {
    const { file, cacheFiles } = setup();
    runCached(file).save();
    const [saved] = cacheFiles();
    const good = readFileSync(saved!);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1]! ^= 0xff;
    writeFileSync(saved!, damaged);

    runCached(file).save();
    expect(seen.codeCacheSeen).toEqual(['bundle.cjs', 'bundle.cjs']);
    expect(readFileSync(saved!).equals(damaged)).toBe(false);
    // The replacement is whole again: the next run uses it and leaves it as it is.
    const replaced = readFileSync(saved!);
    runCached(file).save();
    expect(readFileSync(saved!).equals(replaced)).toBe(true);
  });

  it('keys the cache by the file content: a changed file gets a cache of its own', () => {
    const { file, cacheFiles } = setup();
    runCached(file).save();
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// another build`);
    runCached(file).save();
    expect(cacheFiles()).toHaveLength(2);
  });

  it('names the cache by the hash file the build writes beside the bundle', () => {
    const { file, cacheFiles } = setup();
    writeFileSync(`${file}.sha256`, `${'a'.repeat(64)}\n`);
    runCached(file).save();
    const [byHashFile] = cacheFiles();
    writeFileSync(`${file}.sha256`, `${'b'.repeat(64)}\n`);
    runCached(file).save();
    // Another hash is another build: its own cache, though the code is the same.
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).toContain(byHashFile);
  });

  it('hashes the code itself when the bundle was written after its hash file', () => {
    const { file, cacheFiles } = setup();
    writeFileSync(`${file}.sha256`, `${'a'.repeat(64)}\n`);
    runCached(file).save();
    const later = new Date(statSync(`${file}.sha256`).mtimeMs + 10_000);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// rebuilt without its hash file`);
    utimesSync(file, later, later);
    runCached(file).save();
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// and again`);
    utimesSync(file, later, later);
    runCached(file).save();
    // Each changed bundle got a cache of its own although the stale hash file stayed the same.
    expect(cacheFiles()).toHaveLength(3);
  });
});

