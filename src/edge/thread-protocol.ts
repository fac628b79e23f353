/** Messages between the main thread and a worker thread that hosts a function (thread-runner.ts). */
import type { FabricCall, FabricMap, Route } from './outbound.js';

export interface HostData {
  file: string;
  fabric: FabricMap;
  /** The route until the first invocation says otherwise (module top-level code may fetch). */
  route: Route;
  /** What the runtime needs besides (EdgeWorkers: the deployment's location). */
  extra?: unknown;
}

export type HostReady = { type: 'ready' } | { type: 'load-error'; message: string };

export interface Invocation {
  id: number;
  route: Route;
  event: unknown;
}

export type Outcome =
  | { id: number; ok: true; output: unknown; calls: FabricCall[] }
  | { id: number; ok: false; message: string; calls: FabricCall[] };
