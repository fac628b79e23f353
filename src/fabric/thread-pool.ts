import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PopMessage } from './thread-protocol.js';

/** src/fabric and dist/fabric are both two levels below the package root; the thread runs the built file. */
const ENTRY = fileURLToPath(new URL('../../dist/fabric/pop-thread-entry.js', import.meta.url));

/**
 * Idle PoP threads kept for the next fabric of this process. Loading a thread's modules and warming
 * its code is most of what a PoP's start costs (hundreds of ms each), and a test run starts fabric
 * after fabric; an empty thread costs about 40 MB and no CPU. At most this many are kept.
 */
export const IDLE_THREADS = 8;
/**
 * An idle thread ends after this long unused, so a process that started fabrics once (or a test
 * runner that loads this module afresh per file) does not keep them for good. Real time, not a
 * fabric's clock: it is about this process's resources.
 */
export const IDLE_THREAD_MS = 30_000;
let idleMs = IDLE_THREAD_MS;

/** Sets how long a thread given back from now on stays idle (tests of the pool); returns the old value. */
export function setIdleThreadMs(ms: number): number {
  const old = idleMs;
  idleMs = ms;
  return old;
}
/** Each idle thread, and how to take off the listeners that drop it from the pool should it die. */
const idle = new Map<Worker, () => void>();

/** A thread with no PoPs on it, an idle one when there is one; it keeps the process alive until given back. */
export function takeThread(): Worker {
  const [w, detach] = idle.entries().next().value ?? [new Worker(ENTRY), () => undefined];
  idle.delete(w);
  detach();
  w.ref();
  return w;
}

/**
 * A thread whose PoPs are all closed, for a later fabric. It no longer holds the process open, and
 * one that dies while idle is dropped.
 */
export function giveBack(w: Worker): void {
  w.unref();
  if (idle.size >= IDLE_THREADS) return w.postMessage('end' satisfies PopMessage);
  const forget = () => {
    idle.delete(w);
  };
  const expiry = setTimeout(() => {
    forget();
    w.postMessage('end' satisfies PopMessage);
  }, idleMs).unref();
  w.on('error', forget);
  w.on('exit', forget);
  idle.set(w, () => {
    clearTimeout(expiry);
    w.off('error', forget);
    w.off('exit', forget);
  });
}

/** How many idle threads wait for a fabric (for tests of the pool). */
export function idleThreadCount(): number {
  return idle.size;
}
