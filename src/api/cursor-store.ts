import { gdnError } from '../core/errors.js';

/** One batch as the cursor APIs return it (the route adds `error`, `code` and `cached`). */
export interface CursorPage {
  result: unknown[];
  hasMore: boolean;
  /** Only while more batches remain. */
  id?: string;
  /** Only when the client asked for `count`. */
  count?: number;
  extra: Record<string, unknown>;
}

export interface CursorInit {
  rows: unknown[];
  batchSize: number;
  ttlMs: number;
  count: boolean;
  extra: Record<string, unknown>;
}

interface Cursor extends CursorInit {
  pos: number;
  expiresAt: number;
}

/**
 * Bounds of one PoP's open cursors, so a client cannot pin memory: a ttl above the cap is cut to
 * it; past the count or row cap, a new cursor that would stay open is refused (the expired ones are
 * dropped first). A cursor that fits in one batch is never kept, so it always works.
 */
export const CURSOR_LIMITS = { maxTtlMs: 3_600_000, maxOpen: 1000, maxRows: 2_000_000 } as const;

/**
 * The result sets of open cursors of one PoP, in memory: a query runs to completion when its
 * cursor is created and batches are handed out from here, as ArangoDB does for non-streaming
 * cursors. Shared by every API that pages results (C8QL cursors, RESTQL execute/fetch). A cursor
 * expires `ttl` after its last fetch; an expired, exhausted or deleted cursor is gone (1600).
 */
export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  /** The first batch; the cursor is kept only if more remain. */
  open(init: CursorInit): CursorPage {
    this.expire();
    const cursor: Cursor = { ...init, ttlMs: Math.min(init.ttlMs, CURSOR_LIMITS.maxTtlMs), pos: 0, expiresAt: 0 };
    if (init.rows.length > init.batchSize) this.admit(init.rows.length);
    const page = this.take(cursor);
    if (page.hasMore) {
      const id = String(this.nextId++);
      this.cursors.set(id, cursor);
      page.id = id;
    }
    return page;
  }

  next(id: string): CursorPage {
    this.expire();
    const cursor = this.cursors.get(id);
    if (!cursor) throw gdnError('CURSOR_NOT_FOUND');
    const page = this.take(cursor);
    if (page.hasMore) page.id = id;
    else this.cursors.delete(id);
    return page;
  }

  close(id: string): void {
    this.expire();
    if (!this.cursors.delete(id)) throw gdnError('CURSOR_NOT_FOUND');
  }

  /** Open cursors, for status and tests. */
  size(): number {
    this.expire();
    return this.cursors.size;
  }

  private admit(rows: number): void {
    if (this.cursors.size >= CURSOR_LIMITS.maxOpen) {
      throw gdnError('RESOURCE_LIMIT', `this PoP already holds ${this.cursors.size} open cursors (at most ${CURSOR_LIMITS.maxOpen}): fetch them to the end or DELETE /_api/cursor/{id} them`);
    }
    let held = 0;
    for (const c of this.cursors.values()) held += c.rows.length - c.pos;
    if (held + rows > CURSOR_LIMITS.maxRows) {
      throw gdnError('RESOURCE_LIMIT', `open cursors of this PoP would hold ${held + rows} rows (at most ${CURSOR_LIMITS.maxRows}): use a smaller result, or finish or delete other cursors`);
    }
  }

  private take(c: Cursor): CursorPage {
    const result = c.rows.slice(c.pos, c.pos + c.batchSize);
    c.pos += result.length;
    c.expiresAt = this.now() + c.ttlMs;
    const page: CursorPage = { result, hasMore: c.pos < c.rows.length, extra: c.extra };
    if (c.count) page.count = c.rows.length;
    return page;
  }

  private expire(): void {
    const now = this.now();
    for (const [id, c] of this.cursors) if (c.expiresAt <= now) this.cursors.delete(id);
  }
}
