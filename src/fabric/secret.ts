import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'fabric.secret';
export const SECRET_ENV = 'FABRIC_EMU_SECRET';

/**
 * The fabric's secret, which its PoPs prove to each other before replicating (and which the parent of
 * `--processes` children shows to reach their internal routes). FABRIC_EMU_SECRET wins (PoPs on
 * several machines share it that way); otherwise it is kept in the data dir, made at the first start;
 * an in-memory fabric gets a fresh one.
 */
export function fabricSecret(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[SECRET_ENV];
  if (given !== undefined && given !== '') {
    if (given.length < 16) throw new Error(`${SECRET_ENV} must be at least 16 characters long`);
    return given;
  }
  const fresh = randomBytes(32).toString('hex');
  if (dataDir === undefined) return fresh;
  const file = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  if (createWhole(file, fresh)) return fresh;
  let kept = readFileSync(file, 'utf8').trim();
  // An empty file is what a first start killed between creating and writing it left (before the
  // file was made whole in one step): make the secret it never got.
  if (kept === '') {
    rmSync(file, { force: true });
    if (createWhole(file, fresh)) return fresh;
    kept = readFileSync(file, 'utf8').trim();
  }
  if (kept.length < 16) throw new Error(`${file} holds no usable secret (delete it to make a new one)`);
  return kept;
}

/**
 * The secret of an existing fabric, for a command that talks to its PoPs: FABRIC_EMU_SECRET, else
 * the data dir's file; never makes one.
 */
export function existingFabricSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[SECRET_ENV];
  if (given !== undefined && given !== '') return given;
  try {
    return readFileSync(join(dataDir, SECRET_FILE), 'utf8').trim();
  } catch {
    throw new Error(`no fabric secret: set ${SECRET_ENV} as the PoPs were started with, or give the --data-dir that holds ${SECRET_FILE}`);
  }
}

/**
 * Creates `file` holding the secret unless it exists: written to a temporary file first and linked
 * into place, so a start interrupted at any moment leaves either no secret file or a whole one.
 */
function createWhole(file: string, secret: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${secret}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}
