import { systemClock } from '../core/clock.js';
import { GdnError } from '../core/errors.js';
import type { QueryDataSource } from './datasource.js';
import type { FnContext } from './functions/context.js';

export interface QueryWarning {
  code: number;
  message: string;
}

export interface QueryStats {
  writesExecuted: number;
  writesIgnored: number;
  scannedFull: number;
  scannedIndex: number;
  filtered: number;
  fullCount?: number;
}

/** Limits that keep hostile or mistyped queries from running forever or taking all memory (docs/limits.md). */
export interface ResourceLimits {
  /** Rows/elements processed before the query is aborted (error 1500). */
  maxSteps: number;
  /** Largest array a range or RANGE() may build (error 1504). */
  maxArrayLength: number;
  /** Wall-clock budget in ms (error 1500); a query's `options.maxRuntime` sets it. */
  timeoutMs: number;
  /**
   * Bytes a query may hold at once, estimated: its result, its SORT and COLLECT buffers, and any
   * one value it builds (error 32); a query's `options.memoryLimit` sets it.
   */
  memoryLimit: number;
  /** Warnings kept (ArangoDB's maxWarningCount default). */
  maxWarnings: number;
}

export const DEFAULT_LIMITS: ResourceLimits = {
  maxSteps: 50_000_000,
  maxArrayLength: 10_000_000,
  timeoutMs: 60_000,
  memoryLimit: 256 * 1024 * 1024,
  maxWarnings: 10,
};

/** How a running query is steered from outside: a kill switch and a slice of time on a shared event loop. */
export interface RunControl {
  /** Checked as the query runs: true kills it (error 1500 "query killed"). */
  killed?: () => boolean;
  /**
   * Real-time ms the query may run before it stops with QuerySliceExceeded, so that the caller
   * can move it off a loop other work needs (and run it again elsewhere).
   */
  sliceMs?: number;
  /** When the query started, in real time (systemClock): time it spent elsewhere before counts against its limit. */
  startedAt?: number;
}

/** Thrown when a query outlives RunControl.sliceMs; not a query error, the caller re-runs the query elsewhere. */
export class QuerySliceExceeded extends Error {
  constructor() {
    super('query slice exceeded');
    this.name = 'QuerySliceExceeded';
  }
}

/** Units of work between two looks at the clock and the kill switch (a look costs about as much as a few units). */
const CHECK_EVERY = 2048;

/** A rough size in bytes of a value, looking at no more than `budget` nodes (the rest count as small). */
export function approxSize(v: unknown, budget = { nodes: 64 }): number {
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (typeof v !== 'object' || v === null) return 8;
  if (--budget.nodes < 0) return 32;
  let size = 16;
  if (Array.isArray(v)) {
    for (const x of v) size += 8 + (budget.nodes > 0 ? approxSize(x, budget) : 8);
    return size;
  }
  for (const k in v) size += 16 + 2 * k.length + (budget.nodes > 0 ? approxSize((v as Record<string, unknown>)[k], budget) : 8);
  return size;
}

/** Per-query mutable state shared by the statement executor and the expression evaluator. */
export class Runtime {
  readonly warnings: QueryWarning[] = [];
  readonly stats: QueryStats = { writesExecuted: 0, writesIgnored: 0, scannedFull: 0, scannedIndex: 0, filtered: 0 };
  private steps = 0;
  private units = 0;
  private nextCheck = CHECK_EVERY;
  private held = 0;
  private readonly deadline: number;
  private readonly sliceEnd: number;
  /** A result array made only of objects nobody else holds (see ScanResult.fresh): no copy needed. */
  freshResult: unknown[] | null = null;
  readonly fn: FnContext;

  constructor(
    readonly bind: Record<string, unknown>,
    readonly source: QueryDataSource | null,
    readonly limits: ResourceLimits,
    readonly modifies: boolean,
    fnExtras: Pick<FnContext, 'user' | 'database' | 'now'>,
    call: (name: string, args: unknown[]) => unknown,
    private readonly control: RunControl = {},
  ) {
    // The time limit is real time: a frozen or advanced fabric clock must not disable or trip it.
    const start = systemClock.now();
    this.deadline = (control.startedAt ?? start) + limits.timeoutMs;
    this.sliceEnd = control.sliceMs === undefined ? Infinity : start + control.sliceMs;
    this.fn = {
      warn: (code, message) => this.warn(code, message),
      work: (units) => this.work(units),
      source,
      user: fnExtras.user,
      database: fnExtras.database,
      now: fnExtras.now,
      maxArrayLength: limits.maxArrayLength,
      call,
    };
  }

  warn(code: number, message: string): void {
    if (this.warnings.length < this.limits.maxWarnings) this.warnings.push({ code, message });
  }

  /** Accounts for `n` rows/elements processed; aborts the query past the step budget, and checks the time. */
  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw new GdnError('QUERY_KILLED', `query killed: it exceeded the limit of ${this.limits.maxSteps} processed rows/elements`);
    }
    this.work(n);
  }

  /**
   * Accounts for `units` of work that are not rows: characters a matcher scans, comparisons a sort
   * makes, elements a function walks. Every CHECK_EVERY units the time limit, the slice and the
   * kill switch are looked at, wherever the time goes.
   */
  work(units: number): void {
    this.units += units;
    if (this.units < this.nextCheck) return;
    this.nextCheck = this.units + CHECK_EVERY;
    this.checkpoint();
  }

  private checkpoint(): void {
    if (this.control.killed?.()) throw new GdnError('QUERY_KILLED', 'query killed');
    const now = systemClock.now();
    if (now > this.deadline) {
      throw new GdnError('QUERY_KILLED', `query killed: it exceeded the time limit of ${this.limits.timeoutMs / 1000} s (options.maxRuntime)`);
    }
    if (now > this.sliceEnd) throw new QuerySliceExceeded();
  }

  /** Accounts for `bytes` the query now holds until it ends (results, sort and group buffers). */
  hold(bytes: number): void {
    this.held += bytes;
    if (this.held > this.limits.memoryLimit) throw this.overMemory();
  }

  /** A value the query built: one larger than the memory limit fails the query, held or not. */
  built(v: unknown): void {
    const size = typeof v === 'string' ? 2 * v.length : Array.isArray(v) ? 8 * v.length : 0;
    if (size === 0) return;
    this.work(size >> 6);
    if (this.held + size > this.limits.memoryLimit) throw this.overMemory();
  }

  private overMemory(): GdnError {
    return new GdnError('RESOURCE_LIMIT', `query would use more memory than allowed (${this.limits.memoryLimit} bytes, options.memoryLimit)`);
  }

  requireSource(): QueryDataSource {
    if (this.source === null) throw new GdnError('DATA_SOURCE_NOT_FOUND', 'collection or view not found: no data source');
    return this.source;
  }
}

/** Rows are prototype chains, so extending a row with one variable is O(1). */
export type Row = Record<string, unknown>;

export function extendRow(row: Row, name: string, value: unknown): Row {
  const r = Object.create(row) as Row;
  r[name] = value;
  return r;
}

/** Slots used inside array expansions; not valid identifiers, so they cannot clash with variables. */
export const CURRENT_SLOT = '\u0000current';
export const ITEM_SLOT = '\u0000item';
