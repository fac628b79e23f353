import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** SQLite's companions of a database file: they belong to the database, not to this run. */
const COMPANION = /-(wal|shm|journal)$/;

/**
 * What a data dir held before a start, so that a start that fails can remove exactly what it
 * created (replica files, topology.json, the dir itself) and nothing that was there before.
 */
export class Leftovers {
  private readonly existed: boolean;
  private readonly before: ReadonlySet<string>;

  constructor(private readonly dir: string) {
    this.existed = existsSync(dir);
    this.before = new Set(this.existed ? readdirSync(dir) : []);
  }

  /** Removes what appeared since; the -wal/-shm of a database that was there stay with it. */
  remove(): void {
    if (!existsSync(this.dir)) return;
    if (!this.existed) {
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    for (const name of readdirSync(this.dir)) {
      if (this.before.has(name)) continue;
      if (COMPANION.test(name) && this.before.has(name.replace(COMPANION, ''))) continue;
      rmSync(join(this.dir, name), { recursive: true, force: true });
    }
  }

  /** After a clean exit of an --ephemeral run: the dir goes if this run made it and left it empty. */
  removeDirIfEmpty(): void {
    if (!this.existed && existsSync(this.dir) && readdirSync(this.dir).length === 0) rmSync(this.dir, { recursive: true, force: true });
  }
}
