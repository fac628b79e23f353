// A floor thread's entry (bench/child-floor.js): runs the bundle as a PoP thread's entry runs its own.
import { workerData } from 'node:worker_threads';
import { runCached } from '../dist/core/code-cache.js';

let cache;
globalThis.floorSaveCodeCache = () => cache?.save();
cache = runCached(workerData.bundle);
