/**
 * UDP datagrams on the wire (RFC 768): source port, destination port, length, checksum.
 * A computed checksum of 0 is sent as 0xffff; a received 0 means "no checksum".
 */
import { IpProtocol } from '../net/ip-protocol.ts';
import type { UdpDatagram } from '../net/packet.ts';
import { udpHeaderBytes } from '../net/packet-size.ts';
import { readPayloadText, writePayload } from './ascii.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from './checksum.ts';
import { type WireResult, wireError, wireOk } from './result.ts';

/** Writes `datagram` at `out[offset]` with its checksum over the pseudo-header of (`src`, `dst`). */
export function writeUdpDatagram(
  out: Uint8Array,
  offset: number,
  datagram: UdpDatagram,
  src: number,
  dst: number,
): void {
  const length = udpHeaderBytes + datagram.payloadLength;
  const view = new DataView(out.buffer, out.byteOffset + offset, length);
  view.setUint16(0, datagram.srcPort);
  view.setUint16(2, datagram.dstPort);
  view.setUint16(4, length & 0xffff);
  view.setUint16(6, 0);
  writePayload(out, offset + udpHeaderBytes, datagram.payloadLength, datagram.data);
  const checksum = finishChecksum(
    sumWords(out, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Udp, length)),
  );
  view.setUint16(6, checksum === 0 ? 0xffff : checksum);
}

/** Reads a UDP datagram from `bytes[offset, offset + length)`. */
export function readUdpDatagram(
  bytes: Uint8Array,
  offset: number,
  length: number,
  src: number,
  dst: number,
  verifyChecksum: boolean,
): WireResult<UdpDatagram> {
  if (length < udpHeaderBytes) return wireError(`UDP header truncated: ${length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const udpLength = view.getUint16(4);
  if (udpLength !== length) {
    return wireError(`UDP length ${udpLength} does not match the ${length} bytes after the IP header`);
  }
  if (verifyChecksum && view.getUint16(6) !== 0) {
    const sum = sumWords(bytes, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Udp, length));
    if (finishChecksum(sum) !== 0) return wireError('UDP checksum does not verify');
  }
  const payloadLength = length - udpHeaderBytes;
  return wireOk({
    kind: 'udp',
    srcPort: view.getUint16(0),
    dstPort: view.getUint16(2),
    payloadLength,
    data: readPayloadText(bytes, offset + udpHeaderBytes, payloadLength),
  });
}
