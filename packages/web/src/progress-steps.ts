/**
 * Progress reports thinned by virtual time: the simulator calls back every few thousand
 * events, far more often than a page can redraw, and the playground may not read the wall
 * clock (simulation packages and their edges stay deterministic), so a report goes out only
 * when the run has moved on by another hundredth of its duration.
 */

/**
 * An `onProgress` callback for a run of `durationNs` that calls `report` with the virtual time
 * reached (ns) at most about 100 times.
 */
export function thinProgress(durationNs: number, report: (nowNs: number) => void): (nowNs: number) => void {
  const stepNs = Math.max(1, Math.floor(durationNs / 100));
  let nextNs = 0;
  return (nowNs) => {
    if (nowNs < nextNs) return;
    nextNs = nowNs + stepNs;
    report(nowNs);
  };
}
