/**
 * SNAT metrics of one DIP and protocol over time, like Azure's `AllocatedSnatPorts`,
 * `UsedSnatPorts` and `SnatConnectionCount` (docs/mechanics.md §2.8 "Metrics exposed"): ports
 * granted, ports in use, live SNAT flows, and new flows that found no free port.
 *
 * A sample is recorded whenever one of them changes. Changes closer together than the
 * resolution (10 ms) fold into one sample holding the latest values, so a long, busy run keeps
 * at most 100 samples a second; the peaks are counted exactly, apart from the samples.
 */
import { nsPerMs } from '@lbsim/core';

/** Samples closer together than this fold into one, ns. */
export const snatSampleResolutionNs = 10 * nsPerMs;

/** The metrics at one time. */
export interface SnatSample {
  readonly atNs: number;
  /** Ports the manager granted to the DIP and it still holds. */
  readonly allocatedPorts: number;
  /** Ports carrying at least one flow (including flows held after FIN or RST). */
  readonly usedPorts: number;
  /** Live SNAT flows. */
  readonly connections: number;
  /** New-flow packets that found no free port, since the start. */
  readonly failedAllocations: number;
}

/** The highest value each metric reached. */
export interface SnatPeaks {
  allocatedPorts: number;
  usedPorts: number;
  connections: number;
}

/** The sample series of one (DIP, protocol). */
export class SnatMetrics {
  private readonly series: SnatSample[] = [];
  readonly peaks: SnatPeaks = { allocatedPorts: 0, usedPorts: 0, connections: 0 };

  /** Records the values at `sample.atNs` (not earlier than the last sample). */
  record(sample: SnatSample): void {
    this.peaks.allocatedPorts = Math.max(this.peaks.allocatedPorts, sample.allocatedPorts);
    this.peaks.usedPorts = Math.max(this.peaks.usedPorts, sample.usedPorts);
    this.peaks.connections = Math.max(this.peaks.connections, sample.connections);
    const last = this.series.at(-1);
    if (last !== undefined && sameValues(last, sample)) return;
    if (last !== undefined && sample.atNs - last.atNs < snatSampleResolutionNs) {
      this.series[this.series.length - 1] = { ...sample, atNs: last.atNs };
      return;
    }
    this.series.push(sample);
  }

  /** The samples in time order. */
  samples(): readonly SnatSample[] {
    return this.series;
  }
}

function sameValues(a: SnatSample, b: SnatSample): boolean {
  return (
    a.allocatedPorts === b.allocatedPorts &&
    a.usedPorts === b.usedPorts &&
    a.connections === b.connections &&
    a.failedAllocations === b.failedAllocations
  );
}
