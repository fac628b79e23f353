import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/**
 * Prepared statements by SQL text, for SQL built at run time (push-down, index checks). Preparing
 * costs more than running a point lookup, so each text is prepared once; the cache is emptied
 * when it grows past a bound rather than tracked per entry, since the texts in use stay few.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly max = 500,
  ) {}

  get(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      if (this.statements.size > this.max) this.statements.clear();
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
