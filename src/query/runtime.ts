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

/** Limits that keep hostile or mistyped queries from running forever. */
export interface ResourceLimits {
  /** Rows/elements processed before the query is aborted (error 1500). */
  maxSteps: number;
  /** Largest array a range or RANGE() may build (error 1504). */
  maxArrayLength: number;
  /** Wall-clock budget in ms (error 1500). */
  timeoutMs: number;
  /** Warnings kept (ArangoDB's maxWarningCount default). */
  maxWarnings: number;
}

export const DEFAULT_LIMITS: ResourceLimits = {
  maxSteps: 50_000_000,
  maxArrayLength: 10_000_000,
  timeoutMs: 60_000,
  maxWarnings: 10,
};

/** Per-query mutable state shared by the statement executor and the expression evaluator. */
export class Runtime {
  readonly warnings: QueryWarning[] = [];
  readonly stats: QueryStats = { writesExecuted: 0, writesIgnored: 0, scannedFull: 0, scannedIndex: 0, filtered: 0 };
  private steps = 0;
  private readonly deadline: number;
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
  ) {
    // The time limit is real time: a frozen or advanced fabric clock must not disable or trip it.
    this.deadline = systemClock.now() + limits.timeoutMs;
    this.fn = {
      warn: (code, message) => this.warn(code, message),
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

  /** Accounts for `n` units of work; aborts the query past the step or time budget. */
  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw new GdnError('QUERY_KILLED', `query killed: it exceeded the limit of ${this.limits.maxSteps} processed rows/elements`);
    }
    if ((this.steps & 0xfff) < n && systemClock.now() > this.deadline) {
      throw new GdnError('QUERY_KILLED', `query killed: it exceeded the time limit of ${this.limits.timeoutMs} ms`);
    }
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
