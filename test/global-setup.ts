import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `fabric-emu up --ephemeral` keeps its certificate in the per-user cache dir; the CLI tests spawn
 * it many times. They share one throw-away dir instead (FABRIC_EMU_TLS_DIR, inherited by every
 * child), so the suite writes nothing outside the temp dir and leaves nothing behind.
 */
export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-test-tls-'));
  process.env['FABRIC_EMU_TLS_DIR'] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
