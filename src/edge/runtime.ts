/** What `fabric-emu dev` and `invoke` need of a loaded edge function, whatever runs it. */
import type { Placement } from './fabric-target.js';
import type { FabricCall, FabricMap, Route } from './outbound.js';

export const RUNTIMES = ['workers', 'lambda-edge', 'fastly', 'akamai'] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];

/** A viewer's request as the edge received it. */
export interface EdgeRequest {
  method: string;
  /** The full URL the viewer asked for. */
  url: string;
  headers: [string, string][];
  body: Uint8Array;
  clientIp: string;
}

export interface EdgeResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** One request to a deployment: where its fabric calls go, and who hears of them. */
export interface Call {
  /** The `at` of the placement that serves it. */
  at: string;
  route: Route;
  onCall(c: FabricCall): void;
  timeoutMs: number;
}

/** A function failed: the message names the function and the cause. */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
}

export interface LoadedFunction {
  readonly kind: RuntimeKind;
  /** e.g. "Workers (module syntax) on workerd 1.20250718.0". */
  readonly description: string;
  readonly placements: readonly Placement[];
  /** Serves one viewer request; rejects with a HandlerError when the function fails. */
  serve(req: EdgeRequest, call: Call): Promise<EdgeResponse>;
  /** Runs one raw event (Lambda's own event objects); undefined for runtimes that only take requests. */
  invokeEvent?(event: unknown, call: Call): Promise<unknown>;
  /** False once the function had to be stopped (a timeout): load it again. */
  alive(): boolean;
  idle(): boolean;
  close(): Promise<void>;
}

/** What a runtime gets to load a function. */
export interface LoadOptions {
  placements: Placement[];
  fabric: FabricMap;
  /** Where each placement's calls go before its first request. */
  routes: Route[];
  /** How messages name the function: its path as the user gave it. */
  shown: string;
  log(line: string): void;
}
