import { GdnError } from '../../core/errors.js';
import type { QueryDataSource } from '../datasource.js';

/** What a function implementation may use besides its arguments. */
export interface FnContext {
  /** Registers a warning; the query continues (AQL functions rarely fail hard). */
  warn(code: number, message: string): void;
  /** Accounts for work that is not rows (characters scanned, elements walked), so the query's limits see it. */
  work(units: number): void;
  /** null when executing without a data source (pure expression evaluation). */
  readonly source: QueryDataSource | null;
  /** Values for CURRENT_USER_ATTRIBUTE() and friends, supplied by the caller. */
  readonly user: { name: string | null; attributes: Record<string, unknown>; apiKeyAttributes: Record<string, unknown> };
  readonly database: string;
  /** The PoP's clock in epoch ms (DATE_NOW). */
  now(): number;
  /** Cap on generated array sizes (RANGE, ..), error 1504 beyond it. */
  readonly maxArrayLength: number;
  /** Calls another function by name (CALL/APPLY). */
  call(name: string, args: unknown[]): unknown;
}

export type FnImpl = (ctx: FnContext, args: unknown[], name: string) => unknown;

export interface FnDef {
  readonly min: number;
  readonly max: number;
  readonly impl: FnImpl;
}

export const VARIADIC = Number.POSITIVE_INFINITY;

export function def(min: number, max: number, impl: FnImpl): FnDef {
  return { min, max, impl };
}

/** 1542 warning + null, the usual reaction to an argument of the wrong type. */
/** 501 / errorNum 9: a case of a function fabric-emu cannot compute, refused rather than guessed. */
export function notSupportedYet(feature: string): never {
  throw new GdnError('NOT_IMPLEMENTED', `${feature} is not supported yet by fabric-emu; docs/compatibility.md lists the C8QL fabric-emu runs`);
}

export function typeMismatch(ctx: FnContext, name: string): null {
  ctx.warn(1542, `invalid argument type in call to function '${name}()'`);
  return null;
}

/** 1563 warning + null for functions that need an array. */
export function arrayExpected(ctx: FnContext, name: string): null {
  ctx.warn(1563, `in function '${name}()': array expected`);
  return null;
}

export function invalidDate(ctx: FnContext, name: string): null {
  ctx.warn(1572, `in function '${name}()': invalid date value`);
  return null;
}

export function arg(args: unknown[], i: number): unknown {
  const v = args[i];
  return v === undefined ? null : v;
}
