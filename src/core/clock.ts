/**
 * The one source of time for everything in src/: HLC physical time, ttl of cursors and saved-query
 * batches, ttl index sweeps, replication delivery and retransmission, client delay, key generation
 * and lag figures. Two implementations:
 *
 * - FabricClock: real time, plus an offset the user can advance, and a freeze. A running fabric
 *   has one; `/_emu/clock`, `fabric-emu clock` and `fabric.clock` steer it. Its timers fire when the
 *   clock (not the wall) reaches their time, so advancing it by an hour fires an hour of timers at
 *   once (a repeating timer fires once and rearms from the new time).
 * - ManualClock: time moves only when the caller moves it, and deferred work runs only when the
 *   caller runs it, in one deterministic order. The simulation drives a whole fabric with it.
 */
export interface Timer {
  readonly due: number;
}

export interface Clock {
  /** Epoch milliseconds with a fraction. */
  now(): number;
  /** Calls fn once the clock has moved `ms` forward. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Calls fn every `ms` of clock time; after a jump it fires once and rearms from the new time. */
  setInterval(fn: () => void, ms: number): Timer;
  clearTimeout(t: Timer | undefined): void;
  /** Runs fn after the current turn (setImmediate for real time); never blocked by a freeze. */
  defer(fn: () => void): void;
  /**
   * Runs fn as soon as the current task's synchronous work is done (a microtask for real time),
   * before any other I/O or timer; on a manual clock it is deferred work like defer's.
   */
  soon(fn: () => void): void;
  /** Resolves once the clock has moved `ms` forward. */
  sleep(ms: number): Promise<void>;
  /**
   * How much further ahead than now() another PoP's clock may legitimately read: while a copy of
   * the fabric's clock waits to take a jump its peers may have taken already (FabricClock.expect).
   */
  leeway?(): number;
}

export interface ClockState {
  /** The clock's time, epoch ms. */
  now: number;
  /** How far ahead of (positive) the real time it is, in ms; with a freeze, as of this moment. */
  offsetMs: number;
  frozen: boolean;
}

interface Entry {
  due: number;
  seq: number;
  handle: Handle;
  cancelled: boolean;
}

/** What callers hold: a repeating timer moves on to a new entry each time it fires. */
class Handle implements Timer {
  entry: Entry | undefined;

  constructor(
    readonly fn: () => void,
    readonly every: number | undefined,
  ) {}

  get due(): number {
    return this.entry?.due ?? Number.NaN;
  }
}

/** Pending timers in (due, creation) order, the same order on every run. */
class TimerQueue {
  private heap: Entry[] = [];
  private seq = 0;

  add(due: number, handle: Handle): Handle {
    const e: Entry = { due, seq: this.seq++, handle, cancelled: false };
    handle.entry = e;
    this.heap.push(e);
    this.up(this.heap.length - 1);
    return handle;
  }

  size(): number {
    this.dropCancelled();
    return this.heap.length;
  }

  peek(): Entry | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): Entry | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function delayOf(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** Shared by both clocks: timers as entries of one queue, fired in order once due. */
abstract class QueueClock implements Clock {
  protected readonly timers = new TimerQueue();

  abstract now(): number;
  abstract defer(fn: () => void): void;
  abstract soon(fn: () => void): void;
  /** Called after the set of timers or the clock's rate changed. */
  protected abstract rearm(): void;

  setTimeout(fn: () => void, ms: number): Timer {
    const h = this.timers.add(this.now() + delayOf(ms), new Handle(fn, undefined));
    this.rearm();
    return h;
  }

  setInterval(fn: () => void, ms: number): Timer {
    const every = Math.max(1, delayOf(ms));
    const h = this.timers.add(this.now() + every, new Handle(fn, every));
    this.rearm();
    return h;
  }

  clearTimeout(t: Timer | undefined): void {
    if (!(t instanceof Handle) || !t.entry) return;
    t.entry.cancelled = true;
    t.entry = undefined;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Pending timers (cancelled ones excluded). */
  pendingTimers(): number {
    return this.timers.size();
  }

  /**
   * Fires every timer due at `limit` or before, in order; `at` is told each timer's time before it
   * fires (a manual clock steps through them). Timers added while firing that are due too run in
   * the same pass; a repeating one rearms from the time it fired at.
   */
  protected fireDue(limit: number, at: (due: number) => void): void {
    for (;;) {
      const e = this.timers.peek();
      if (!e || e.due > limit) return;
      this.timers.pop();
      at(e.due);
      const h = e.handle;
      if (h.every !== undefined) this.timers.add(this.now() + h.every, h);
      else h.entry = undefined;
      try {
        h.fn();
      } catch (err) {
        // A failing timer must not stop the others or, escaping, end the process.
        this.onError(err);
      }
    }
  }

  /** Where errors thrown by timer callbacks go. */
  onError: (err: unknown) => void = (err) => console.error('fabric-emu: a timer failed:', err);
}

/**
 * Real time plus a user-set offset, optionally frozen. Its one real timer wakes it for the earliest
 * pending timer; the last millisecond is waited on immediates, because Node's timers fire up to a
 * millisecond late, which would bias every replication lag figure upward.
 */
export class FabricClock extends QueueClock {
  private offset = 0;
  private frozenAt: number | undefined;
  private real: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private listeners = new Set<(s: ClockState) => void>();
  private ahead = 0;

  constructor(private readonly source: () => number = () => performance.timeOrigin + performance.now()) {
    super();
  }

  now(): number {
    return this.frozenAt ?? this.source() + this.offset;
  }

  defer(fn: () => void): void {
    setImmediate(() => this.guarded(fn));
  }

  soon(fn: () => void): void {
    queueMicrotask(() => this.guarded(fn));
  }

  /** Deferred work that throws goes to onError: escaping, it would end the process. */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }

  state(): ClockState {
    const now = this.now();
    return { now, offsetMs: now - this.source(), frozen: this.frozenAt !== undefined };
  }

  /** Moves the clock forward by `ms` (never back) and fires what became due. */
  advance(ms: number): ClockState {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a non-negative number of ms, got ${ms}`);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offset += ms;
    return this.changed();
  }

  freeze(): ClockState {
    if (this.frozenAt === undefined) this.frozenAt = this.now();
    return this.changed();
  }

  resume(): ClockState {
    if (this.frozenAt !== undefined) {
      this.offset = this.frozenAt - this.source();
      this.frozenAt = undefined;
    }
    return this.changed();
  }

  /** Takes another clock's state (a PoP in a worker or child process mirrors its fabric's clock). */
  setState(s: { offsetMs: number; frozen: boolean; now?: number }): ClockState {
    this.ahead = 0;
    const target = s.frozen ? (s.now ?? this.source() + s.offsetMs) : undefined;
    if (target !== undefined && target < this.now()) return this.state();
    this.frozenAt = target;
    this.offset = s.offsetMs;
    return this.changed();
  }

  /**
   * Told that this copy is about to take `s`, which its peers may take first: until setState, a
   * peer's clock may read up to that much further ahead (leeway), so a change a peer stamps at the
   * new time is not refused as from a clock running ahead. The fabric tells every PoP first, then
   * moves them (fabric-control.ts).
   */
  expect(s: { offsetMs: number; frozen: boolean; now?: number }): void {
    const target = s.frozen ? (s.now ?? this.source() + s.offsetMs) : this.source() + s.offsetMs;
    this.ahead = Math.max(this.ahead, target - this.now());
  }

  leeway(): number {
    return this.ahead;
  }

  /** Told of every advance, freeze and resume, e.g. to pass the state on to other PoPs. */
  onChange(fn: (s: ClockState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Stops the real timer; pending timers stay but fire only on the next change or new timer. */
  stop(): void {
    clearTimeout(this.real);
    clearImmediate(this.immediate);
    this.real = undefined;
    this.immediate = undefined;
  }

  private changed(): ClockState {
    this.fireDue(this.now(), () => undefined);
    this.rearm();
    const s = this.state();
    for (const l of this.listeners) l(s);
    return s;
  }

  protected rearm(): void {
    this.stop();
    const head = this.timers.peek();
    if (!head || this.frozenAt !== undefined) return;
    const wait = head.due - this.now();
    const wake = () => {
      this.real = undefined;
      this.immediate = undefined;
      this.fireDue(this.now(), () => undefined);
      this.rearm();
    };
    if (wait > 1) {
      this.real = setTimeout(wake, wait - 1);
      this.real.unref();
    } else {
      // Not unref'd: the loop would not spin on an unref'd immediate but block in its poll phase
      // until the next I/O or timer, hundreds of milliseconds late; this holds it for a millisecond at most.
      this.immediate = setImmediate(wake);
    }
  }
}

/**
 * Virtual time for deterministic simulation: nothing happens until the caller runs it. Deferred
 * work is a timer due now, so it interleaves with timers in one order fixed by (due, creation).
 */
export class ManualClock extends QueueClock {
  private t: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    super();
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  defer(fn: () => void): void {
    this.timers.add(this.t, new Handle(fn, undefined));
  }

  soon(fn: () => void): void {
    this.defer(fn);
  }

  protected rearm(): void {}

  /** Runs everything due now (deferred work included), without moving time. */
  runDue(): void {
    this.fireDue(this.t, () => undefined);
  }

  /** Moves time forward by `ms`, firing each timer at its own time along the way. */
  advance(ms: number): void {
    const end = this.t + delayOf(ms);
    this.fireDue(end, (due) => {
      if (due > this.t) this.t = due;
    });
    this.t = end;
  }

  /** Jumps to the next pending timer and runs it (and all due with it); false when none is left. */
  step(): boolean {
    const head = this.timers.peek();
    if (!head) return false;
    if (head.due > this.t) this.t = head.due;
    this.runDue();
    return true;
  }

  /** Runs until no timer is left or `maxMs` of virtual time have passed; returns the time moved. */
  runUntilIdle(maxMs = Number.POSITIVE_INFINITY): number {
    const start = this.t;
    while (this.timers.peek() && this.timers.peek()!.due <= start + maxMs) this.step();
    return this.t - start;
  }
}

/** The default for code that is given no clock: real time, never advanced. */
export const systemClock: FabricClock = new FabricClock();
