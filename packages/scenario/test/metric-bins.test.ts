/**
 * The bins metrics are given in (compute-metrics.ts): Azure's one-minute grain, or the whole run
 * when it is shorter; the last bin ends with the run.
 */
import { describe, expect, it } from 'vitest';
import { metricBins, metricBinWidthNs } from '../src/metrics/compute-metrics.ts';

const s = 1e9;

describe('metric bins', () => {
  it('are one minute wide, the last cut at the run’s end', () => {
    expect(metricBinWidthNs(320 * s)).toBe(60 * s);
    expect(metricBins(60 * s, 130 * s)).toEqual([
      { startNs: 0, endNs: 60 * s },
      { startNs: 60 * s, endNs: 120 * s },
      { startNs: 120 * s, endNs: 130 * s },
    ]);
  });

  it('are one bin, the whole run, when the run is shorter than a minute', () => {
    expect(metricBinWidthNs(40 * s)).toBe(40 * s);
    expect(metricBins(40 * s, 40 * s)).toEqual([{ startNs: 0, endNs: 40 * s }]);
  });
});
