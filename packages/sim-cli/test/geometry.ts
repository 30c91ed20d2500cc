/** Plane geometry for the tests of the report's pictures. */
import type { Placed } from '../src/report/topology-layout.ts';

/** Whether the segment a→b passes through the inside of `box` (its border shrunk by 1 px). */
export function crosses(a: readonly [number, number], b: readonly [number, number], box: Placed): boolean {
  const left = box.x + 1;
  const right = box.x + box.width - 1;
  const top = box.y + 1;
  const bottom = box.y + box.height - 1;
  // Liang–Barsky clipping: does any part of the segment lie strictly inside the rectangle?
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const edges: Array<readonly [number, number]> = [
    [-dx, a[0] - left],
    [dx, right - a[0]],
    [-dy, a[1] - top],
    [dy, bottom - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q <= 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 >= t1) return false;
    }
  }
  return true;
}
