/** Messages between the main thread and the worker thread that hosts a handler. */

export type HandlerStyle = 'lambda' | 'worker';

export interface HostData {
  file: string;
  clientRegion: string;
  fabricOrigins: string[];
}

/** A Workers-style request, in a form that crosses threads. */
export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array | null;
}

export interface WireResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export type HostReady = { type: 'ready'; style: HandlerStyle } | { type: 'load-error'; message: string };

export interface Invocation {
  id: number;
  env: Record<string, string>;
  /** The Lambda event, or the Workers request. */
  input: unknown;
}

export type Outcome =
  | { id: number; ok: true; output: unknown }
  | { id: number; ok: false; cause: 'threw' | 'malformed'; message: string };
