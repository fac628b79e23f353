import { describe, expect, it } from 'vitest';
import { FabricClock, ManualClock } from '../../src/core/clock.js';

describe('ManualClock', () => {
  it('fires timers in (due, creation) order, each at its own time', () => {
    const c = new ManualClock(1000);
    const seen: string[] = [];
    c.setTimeout(() => seen.push(`b@${c.now()}`), 20);
    c.setTimeout(() => seen.push(`a@${c.now()}`), 10);
    c.setTimeout(() => seen.push(`c@${c.now()}`), 20);
    c.advance(15);
    expect(seen).toEqual(['a@1010']);
    expect(c.now()).toBe(1015);
    c.advance(100);
    expect(seen).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect(c.now()).toBe(1115);
  });

  it('runs deferred work only when asked, interleaved with due timers by creation', () => {
    const c = new ManualClock(0);
    const seen: number[] = [];
    c.setTimeout(() => seen.push(1), 0);
    c.defer(() => seen.push(2));
    expect(seen).toEqual([]);
    c.runDue();
    expect(seen).toEqual([1, 2]);
  });

  it('cancels timers and intervals, including an interval that already fired', () => {
    const c = new ManualClock(0);
    let n = 0;
    const t = c.setInterval(() => n++, 10);
    c.advance(35);
    expect(n).toBe(3);
    c.clearTimeout(t);
    c.advance(100);
    expect(n).toBe(3);
    const once = c.setTimeout(() => n++, 5);
    c.clearTimeout(once);
    c.advance(10);
    expect(n).toBe(3);
    expect(c.pendingTimers()).toBe(0);
  });

  it('runs soon work as deferred work: only when asked, in creation order with it', () => {
    const c = new ManualClock();
    const seen: string[] = [];
    c.defer(() => seen.push('defer'));
    c.soon(() => seen.push('soon'));
    expect(seen).toEqual([]);
    c.runDue();
    expect(seen).toEqual(['defer', 'soon']);
  });

  it('step jumps to the next timer; runUntilIdle stops within its bound', () => {
    const c = new ManualClock(0);
    let fired = 0;
    c.setTimeout(() => fired++, 50);
    expect(c.step()).toBe(true);
    expect(c.now()).toBe(50);
    expect(c.step()).toBe(false);
    c.setInterval(() => fired++, 100);
    expect(c.runUntilIdle(1000)).toBe(1000);
    expect(fired).toBe(11);
  });

  it('keeps running the other timers when one throws', () => {
    const c = new ManualClock(0);
    const errors: unknown[] = [];
    c.onError = (e) => errors.push(e);
    let ran = false;
    c.setTimeout(() => {
      throw new Error('boom');
    }, 1);
    c.setTimeout(() => (ran = true), 2);
    c.advance(5);
    expect(ran).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('FabricClock', () => {
  it('advance moves time forward and fires due timers at once, an interval only once', () => {
    let real = 1_000_000;
    const c = new FabricClock(() => real);
    let once = 0;
    let every = 0;
    c.setTimeout(() => once++, 60_000);
    const t = c.setInterval(() => every++, 1000);
    c.advance(3_600_000);
    expect(once).toBe(1);
    expect(every).toBe(1);
    expect(c.now()).toBe(real + 3_600_000);
    real += 500;
    expect(c.state()).toEqual({ now: real + 3_600_000, offsetMs: 3_600_000, frozen: false });
    c.clearTimeout(t);
    c.stop();
  });

  it('freeze stops time, resume continues from the frozen time, advance works while frozen', () => {
    let real = 5000;
    const c = new FabricClock(() => real);
    c.freeze();
    real += 1000;
    expect(c.now()).toBe(5000);
    c.advance(250);
    expect(c.now()).toBe(5250);
    c.resume();
    real += 10;
    expect(c.now()).toBe(5260);
    expect(c.state().frozen).toBe(false);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });

  it('setState mirrors another clock and tells listeners', () => {
    const real = 100;
    const a = new FabricClock(() => real);
    const b = new FabricClock(() => real);
    const seen: number[] = [];
    b.onChange((s) => seen.push(s.now));
    a.advance(50);
    b.setState(a.state());
    expect(b.now()).toBe(a.now());
    a.freeze();
    b.setState(a.state());
    expect(b.state().frozen).toBe(true);
    expect(seen).toEqual([150, 150]);
  });

  it('fires real-time timers on time', async () => {
    const c = new FabricClock();
    const start = c.now();
    await c.sleep(20);
    expect(c.now() - start).toBeGreaterThanOrEqual(20);
  });

  it('deferred work that throws goes to onError instead of ending the process', async () => {
    const c = new FabricClock();
    const errors: unknown[] = [];
    c.onError = (e) => errors.push(e);
    c.defer(() => {
      throw new Error('boom');
    });
    await new Promise((ok) => c.defer(() => ok(undefined)));
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('runs soon work once the current task is done, before an immediate queued ahead of it; a throw goes to onError', async () => {
    const c = new FabricClock();
    const errors: unknown[] = [];
    c.onError = (e) => errors.push(e);
    const seen: string[] = [];
    const turn = new Promise((ok) => setImmediate(() => ok(seen.push('immediate'))));
    c.soon(() => {
      seen.push('soon');
      throw new Error('boom');
    });
    seen.push('sync');
    await turn;
    expect(seen).toEqual(['sync', 'soon', 'immediate']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });
});

describe('FabricClock in its last millisecond', () => {
  it('keeps the event loop turning: an unref-ed immediate would leave it blocked in poll until the next I/O', async () => {
    // A source that stands still makes the wait for the timer all "last millisecond".
    const c = new FabricClock(() => 1000);
    const immediates = () => process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;
    const before = immediates();
    const t = c.setTimeout(() => undefined, 0.5);
    expect(immediates()).toBeGreaterThan(before);
    c.clearTimeout(t);
    c.stop();
    expect(immediates()).toBe(before);
  });
});
