/**
 * NSG flow tuples as Azure's version 2 flow logs write them: whole seconds since the epoch (the
 * run's start), T/U, I/O, A/D, B/C/E, and the four counts empty for a B tuple.
 */
import { describe, expect, it } from 'vitest';
import { formatFlowTuple } from '../src/metrics/flow-tuple-text.ts';

const base = {
  srcIp: '198.51.100.10',
  dstIp: '10.1.0.4',
  srcPort: 52240,
  dstPort: 80,
  protocol: 'T',
  direction: 'I',
  decision: 'A',
} as const;

describe('formatFlowTuple', () => {
  it('writes a begin tuple without counts, its time in whole seconds of run time', () => {
    expect(formatFlowTuple({ ...base, atNs: 1_005_160_000, flowState: 'B', counts: undefined })).toBe(
      '1,198.51.100.10,10.1.0.4,52240,80,T,I,A,B,,,,',
    );
  });

  it('writes an end tuple with packets and bytes both ways', () => {
    const counts = { packetsSent: 5, bytesSent: 305, packetsReceived: 3, bytesReceived: 712 };
    expect(formatFlowTuple({ ...base, atNs: 61_025_600_000, flowState: 'E', counts })).toBe(
      '61,198.51.100.10,10.1.0.4,52240,80,T,I,A,E,5,305,3,712',
    );
  });

  it('writes a denied UDP flow', () => {
    const tuple = { ...base, protocol: 'U', decision: 'D', atNs: 0, flowState: 'B', counts: undefined } as const;
    expect(formatFlowTuple(tuple)).toBe('0,198.51.100.10,10.1.0.4,52240,80,U,I,D,B,,,,');
  });
});
