/**
 * Classic pcap (libpcap format), little-endian, nanosecond variant: a 24-byte global header
 * with magic 0xA1B23C4D, then a 16-byte record header before each packet. It has no
 * interfaces and no comments; lbsim writes it for tools that do not read pcapng.
 */
import { captureTimestampParts } from './capture-clock.ts';
import type { CapturedPacket } from './pcapng.ts';

/** Magic of nanosecond-resolution classic pcap files. */
const nanosecondMagic = 0xa1b23c4d;
/** Snap length of the files: more than any IPv4 packet, the value tcpdump uses. */
const snapLengthBytes = 262_144;

/** The global header of a classic pcap file: version 2.4, zone 0, the given link type. */
export function encodePcapHeader(linkType: number): Uint8Array {
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  view.setUint32(0, nanosecondMagic, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true);
  view.setUint32(12, 0, true);
  view.setUint32(16, snapLengthBytes, true);
  view.setUint32(20, linkType, true);
  return out;
}

/**
 * One classic pcap record: seconds and nanoseconds from the capture epoch, the whole packet.
 * The packet's comment is not representable and is left out.
 */
export function encodePcapRecord(packet: CapturedPacket): Uint8Array {
  const out = new Uint8Array(16 + packet.bytes.length);
  const view = new DataView(out.buffer);
  const { seconds, nanoseconds } = captureTimestampParts(packet.atNs);
  view.setUint32(0, seconds, true);
  view.setUint32(4, nanoseconds, true);
  view.setUint32(8, packet.bytes.length, true);
  view.setUint32(12, packet.bytes.length, true);
  out.set(packet.bytes, 16);
  return out;
}
