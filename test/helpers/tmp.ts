import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A fresh folder under the OS temp dir, removed once the calling test has finished (after its afterEach hooks). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fabric-emu-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
