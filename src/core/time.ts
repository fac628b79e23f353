/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one host. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
