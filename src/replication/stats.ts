/**
 * Replication lag samples for one link: a bounded window for percentiles in /_emu/status, and
 * cumulative histogram buckets for Prometheus.
 */
export const LAG_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 1000, 2500, 5000, 10000] as const;
const WINDOW = 2048;

export class LagStats {
  private readonly window: number[] = [];
  private next = 0;
  readonly buckets: number[] = LAG_BUCKETS_MS.map(() => 0);
  count = 0;
  sum = 0;

  record(ms: number): void {
    if (this.window.length < WINDOW) this.window.push(ms);
    else this.window[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
    this.count++;
    this.sum += ms;
    for (let i = 0; i < LAG_BUCKETS_MS.length; i++) if (ms <= LAG_BUCKETS_MS[i]!) this.buckets[i]!++;
  }

  percentile(p: number): number | null {
    if (this.window.length === 0) return null;
    const sorted = [...this.window].sort((a, b) => a - b);
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return Math.round(sorted[i]! * 100) / 100;
  }

  /** Samples in arrival order, oldest first (for benchmarks). */
  samples(): number[] {
    return this.window.length < WINDOW ? [...this.window] : [...this.window.slice(this.next), ...this.window.slice(0, this.next)];
  }
}
