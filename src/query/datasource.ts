/**
 * The only way the query engine touches data. The storage layer (SQLite) implements this
 * interface; tests use an in-memory implementation. Everything is synchronous because the
 * storage (better-sqlite3) is.
 *
 * Documents are plain JSON objects that include their system attributes `_key`, `_id`
 * ("collection/key") and `_rev`. The engine never mutates a document it receives.
 *
 * Errors: implementations throw `GdnError` from `src/core/errors.ts` (e.g. `DOCUMENT_NOT_FOUND`,
 * `UNIQUE_CONSTRAINT_VIOLATED`, `DOCUMENT_KEY_BAD`, `CONFLICT`); the engine lets them propagate,
 * except that with `ignoreErrors: true` a write error is counted in `stats.writesIgnored`.
 *
 * Transactions: a query's writes should run inside one storage transaction opened by the caller
 * around `executeQuery`, so an error rolls every write back (ArangoDB single-server semantics).
 * When a query contains a modification, the engine fully reads a collection's iterator before
 * writing, so an implementation may use lazy cursors (SQLite statements) safely.
 */
export type Document = Record<string, unknown>;

/** Comparison operators the planner can push down (AQL semantics, see ScanFilter). */
export type ScanOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'IN';

/**
 * One pushed-down condition `doc.<path> <op> <value>`, with `value` a constant (already
 * bind-substituted JSON value). `path` is a list of attribute names (`doc.a.b` → ["a", "b"]).
 *
 * The semantics are AQL's, not SQL's (spec §2.1, §6.2): a missing attribute reads as `null`;
 * values of different types never compare equal and order as null < bool < number < string <
 * array < object (so `doc.x < 5` also matches documents without `x`, and `doc.x > 5` matches
 * every string/array/object `x`); `==`/`!=` never coerce (`1 == "1"` is false); strings order
 * by the AQL collation (use `compareValues` exported by the query module, or only claim string
 * range conditions as applied if you reproduce it). `IN` means "equal to some element of the
 * array `value`"; when `value` is not an array the condition is false for every document.
 * Implementations may push the numeric part to SQL with type guards and re-check the rest, or
 * decline the whole spec.
 */
export interface ScanFilter {
  readonly path: readonly string[];
  readonly op: ScanOperator;
  readonly value: unknown;
}

/** Sort key `doc.<path>`, ascending or descending, by the AQL comparator (`compareValues`). */
export interface ScanSort {
  readonly path: readonly string[];
  readonly ascending: boolean;
}

/**
 * What the planner recognised directly after `FOR doc IN collection`: a conjunction of simple
 * filters, then optionally a sort and a limit, in that order. The filters apply first, then
 * the sort, then `offset`/`limit` (`limit: null` = no upper bound).
 */
export interface ScanSpec {
  readonly filters: readonly ScanFilter[];
  readonly sort: readonly ScanSort[];
  readonly offset: number;
  readonly limit: number | null;
}

/**
 * Result of a push-down attempt. Each flag says the corresponding part was applied exactly with
 * AQL semantics; parts not applied are done by the engine afterwards. Rules:
 * - `sortApplied` may only be true if `filtersApplied` is (sorting a superset is fine, but the
 *   engine re-filters in that case and keeps order, so only set it when true to avoid confusion);
 * - `limitApplied` may only be true when both `filtersApplied` and `sortApplied` are true (or
 *   there is no sort), because a limit before the engine's own filtering would drop rows.
 * Ties in a pushed-down sort may be broken arbitrarily (AQL gives no tie order either); a
 * deterministic tiebreaker such as insertion order keeps results reproducible.
 */
export interface ScanResult {
  readonly documents: Iterable<Document>;
  readonly filtersApplied: boolean;
  readonly sortApplied: boolean;
  readonly limitApplied: boolean;
  /**
   * The documents are new objects that nobody else holds (e.g. freshly parsed from storage), so
   * the engine may return them as results without copying them first.
   */
  readonly fresh?: boolean;
}

/** Options of INSERT/UPDATE/REPLACE/REMOVE, as given in the query's OPTIONS (defaults applied). */
export interface WriteOptions {
  /** Engine-level: a failing write is skipped and counted instead of failing the query. */
  readonly ignoreErrors: boolean;
  readonly waitForSync: boolean;
  /** UPDATE: keep attributes whose patch value is null (true) or remove them (false). */
  readonly keepNull: boolean;
  /** UPDATE: merge nested objects (true) or replace them (false). */
  readonly mergeObjects: boolean;
  /** INSERT: replace an existing document with the same `_key` instead of failing with 1210. */
  readonly overwrite: boolean;
  /** UPDATE/REPLACE/REMOVE: when false, `expectedRev` must match the stored `_rev` (else CONFLICT). */
  readonly ignoreRevs: boolean;
  /** `_rev` of the selector document, when it had one. */
  readonly expectedRev?: string;
  /** Unrecognised options, passed through untouched. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** `new`: the document after the write (null for REMOVE); `old`: before (null for a plain INSERT). */
export interface WriteResult {
  readonly new: Document | null;
  readonly old: Document | null;
}

/** An index of a collection as the engine sees it: FULLTEXT(), NEAR() and WITHIN() need theirs. */
export interface IndexInfo {
  readonly type: string;
  readonly fields: readonly string[];
  readonly minLength?: number;
  readonly geoJson?: boolean;
}

export interface QueryDataSource {
  /** Whether a collection of that name exists (compile-time check, error 1203 otherwise). */
  hasCollection(name: string): boolean;
  /** Names of all collections (for COLLECTIONS()); optional. */
  collections?(): string[];
  /** All documents of a collection in insertion order. */
  documents(collection: string): Iterable<Document>;
  /**
   * Optional push-down: return the documents matching `spec` (see ScanResult for the flags),
   * or null to decline, in which case the engine iterates `documents()` itself.
   */
  scan?(collection: string, spec: ScanSpec): ScanResult | null;
  /** The collection's indexes; optional: without it, a function that needs an index finds none. */
  indexes?(collection: string): readonly IndexInfo[];
  /** One document by `_key`, or null (DOCUMENT(), UPSERT lookups by key). */
  getDocument(collection: string, key: string): Document | null;
  /** Inserts `doc` (which may carry `_key`); generates `_key`, `_id`, `_rev`. */
  insert(collection: string, doc: Document, options: WriteOptions): WriteResult;
  /** Partially updates the document `key` with `patch` (system attributes in the patch are ignored). */
  update(collection: string, key: string, patch: Document, options: WriteOptions): WriteResult;
  /** Replaces the body of document `key`, keeping `_key`/`_id`, assigning a new `_rev`. */
  replace(collection: string, key: string, doc: Document, options: WriteOptions): WriteResult;
  /** Removes document `key`; throws DOCUMENT_NOT_FOUND when absent. */
  remove(collection: string, key: string, options: WriteOptions): WriteResult;
}
