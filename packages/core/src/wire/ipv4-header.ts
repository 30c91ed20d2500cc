/**
 * The IPv4 header on the wire (RFC 791 §3.1). lbsim writes no options, so IHL is always 5.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         Identification        |Flags|      Fragment Offset    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Time to Live |    Protocol   |         Header Checksum       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                       Source Address                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Destination Address                        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { ipv4HeaderBytes } from '../net/packet-size.ts';
import { internetChecksum } from './checksum.ts';
import { type WireResult, wireError, wireOk } from './result.ts';

const flagDontFragment = 0x4000;
const flagMoreFragments = 0x2000;
const checksumOffset = 10;

/** The header fields of an IPv4 packet as they are on the wire. */
export interface Ipv4HeaderView {
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly ttl: number;
  readonly dscp: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffsetBytes: number;
  readonly totalLength: number;
}

/** Writes a 20-byte IPv4 header with its checksum at `out[offset]`. */
export function writeIpv4Header(out: Uint8Array, offset: number, header: Ipv4HeaderView): void {
  const view = new DataView(out.buffer, out.byteOffset + offset, ipv4HeaderBytes);
  view.setUint8(0, 0x45);
  view.setUint8(1, (header.dscp & 0x3f) << 2);
  view.setUint16(2, header.totalLength);
  view.setUint16(4, header.id & 0xffff);
  view.setUint16(
    6,
    (header.dontFragment ? flagDontFragment : 0) |
      (header.moreFragments ? flagMoreFragments : 0) |
      ((header.fragmentOffsetBytes >>> 3) & 0x1fff),
  );
  view.setUint8(8, header.ttl & 0xff);
  view.setUint8(9, header.protocol & 0xff);
  view.setUint16(checksumOffset, 0);
  view.setUint32(12, header.src >>> 0);
  view.setUint32(16, header.dst >>> 0);
  view.setUint16(checksumOffset, internetChecksum(out, offset, offset + ipv4HeaderBytes));
}

/**
 * Reads an IPv4 header at `bytes[offset]`.
 *
 * @param verifyChecksum when true, a header whose checksum does not verify is an error
 * @returns the header, or an error when the bytes are too short, not IPv4, carry options
 *   (lbsim neither sends nor parses them) or fail the checksum.
 */
export function readIpv4Header(bytes: Uint8Array, offset: number, verifyChecksum: boolean): WireResult<Ipv4HeaderView> {
  if (bytes.length - offset < ipv4HeaderBytes) {
    return wireError(`IPv4 header truncated: ${bytes.length - offset} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, ipv4HeaderBytes);
  const versionIhl = view.getUint8(0);
  if (versionIhl >>> 4 !== 4) return wireError(`not IPv4: version ${versionIhl >>> 4}`);
  if ((versionIhl & 0x0f) !== 5) {
    return wireError(`IPv4 options are not supported (IHL ${versionIhl & 0x0f})`);
  }
  if (verifyChecksum && internetChecksum(bytes, offset, offset + ipv4HeaderBytes) !== 0) {
    return wireError('IPv4 header checksum does not verify');
  }
  const flagsOffset = view.getUint16(6);
  return wireOk({
    dscp: view.getUint8(1) >>> 2,
    totalLength: view.getUint16(2),
    id: view.getUint16(4),
    dontFragment: (flagsOffset & flagDontFragment) !== 0,
    moreFragments: (flagsOffset & flagMoreFragments) !== 0,
    fragmentOffsetBytes: (flagsOffset & 0x1fff) * 8,
    ttl: view.getUint8(8),
    protocol: view.getUint8(9),
    src: view.getUint32(12),
    dst: view.getUint32(16),
  });
}
