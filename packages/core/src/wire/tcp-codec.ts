/**
 * TCP segments on the wire (RFC 9293 §3.1) with the MSS (kind 2) and timestamps (kind 8,
 * RFC 7323) options. Options are written MSS first, then NOP, NOP, timestamps, so the header
 * stays a multiple of 4 bytes without padding.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |          Source Port          |       Destination Port        |
 *    |                        Sequence Number                        |
 *    |                    Acknowledgment Number                      |
 *    |  Data |       |C|E|U|A|P|R|S|F|                               |
 *    | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *    |           Checksum            |         Urgent Pointer        |
 *    |                    Options                    |    Padding    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { IpProtocol } from '../net/ip-protocol.ts';
import type { TcpSegment, TcpTimestampOption } from '../net/packet.ts';
import { tcpBaseHeaderBytes, tcpHeaderBytes } from '../net/packet-size.ts';
import { readPayloadText, writePayload } from './ascii.ts';
import { finishChecksum, pseudoHeaderSum, sumWords } from './checksum.ts';
import { type WireResult, wireError, wireOk } from './result.ts';

const optionEnd = 0;
const optionNop = 1;
const optionMss = 2;
const optionTimestamps = 8;
const checksumOffset = 16;

/**
 * Writes `segment` at `out[offset]` with its checksum over the IPv4 pseudo-header of
 * (`src`, `dst`).
 */
export function writeTcpSegment(out: Uint8Array, offset: number, segment: TcpSegment, src: number, dst: number): void {
  const headerLength = tcpHeaderBytes(segment);
  const length = headerLength + segment.payloadLength;
  const view = new DataView(out.buffer, out.byteOffset + offset, length);
  view.setUint16(0, segment.srcPort);
  view.setUint16(2, segment.dstPort);
  view.setUint32(4, segment.seq >>> 0);
  view.setUint32(8, segment.ack >>> 0);
  view.setUint16(12, ((headerLength / 4) << 12) | (segment.flags & 0xff));
  view.setUint16(14, segment.window & 0xffff);
  view.setUint16(checksumOffset, 0);
  view.setUint16(18, 0);
  let at = tcpBaseHeaderBytes;
  if (segment.mss !== undefined) {
    view.setUint8(at, optionMss);
    view.setUint8(at + 1, 4);
    view.setUint16(at + 2, segment.mss);
    at += 4;
  }
  if (segment.timestamp !== undefined) {
    view.setUint8(at, optionNop);
    view.setUint8(at + 1, optionNop);
    view.setUint8(at + 2, optionTimestamps);
    view.setUint8(at + 3, 10);
    view.setUint32(at + 4, segment.timestamp.value >>> 0);
    view.setUint32(at + 8, segment.timestamp.echoReply >>> 0);
    at += 12;
  }
  writePayload(out, offset + headerLength, segment.payloadLength, segment.data);
  const sum = sumWords(out, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Tcp, length));
  view.setUint16(checksumOffset, finishChecksum(sum));
}

/**
 * Reads a TCP segment from `bytes[offset, offset + length)`.
 *
 * @param verifyChecksum when true, a segment whose checksum does not verify is an error
 */
export function readTcpSegment(
  bytes: Uint8Array,
  offset: number,
  length: number,
  src: number,
  dst: number,
  verifyChecksum: boolean,
): WireResult<TcpSegment> {
  if (length < tcpBaseHeaderBytes) return wireError(`TCP header truncated: ${length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const offsetFlags = view.getUint16(12);
  const headerLength = (offsetFlags >>> 12) * 4;
  if (headerLength < tcpBaseHeaderBytes || headerLength > length) {
    return wireError(`TCP data offset ${headerLength} does not fit a ${length}-byte segment`);
  }
  if (verifyChecksum) {
    const sum = sumWords(bytes, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Tcp, length));
    if (finishChecksum(sum) !== 0) return wireError('TCP checksum does not verify');
  }
  let mss: number | undefined;
  let timestamp: TcpTimestampOption | undefined;
  let at = tcpBaseHeaderBytes;
  while (at < headerLength) {
    const kind = view.getUint8(at);
    if (kind === optionEnd) break;
    if (kind === optionNop) {
      at += 1;
      continue;
    }
    if (at + 1 >= headerLength) return wireError(`TCP option ${kind} truncated`);
    const optionLength = view.getUint8(at + 1);
    if (optionLength < 2 || at + optionLength > headerLength) {
      return wireError(`TCP option ${kind} has bad length ${optionLength}`);
    }
    if (kind === optionMss && optionLength === 4) mss = view.getUint16(at + 2);
    if (kind === optionTimestamps && optionLength === 10) {
      timestamp = { value: view.getUint32(at + 2), echoReply: view.getUint32(at + 6) };
    }
    at += optionLength;
  }
  const payloadLength = length - headerLength;
  return wireOk({
    kind: 'tcp',
    srcPort: view.getUint16(0),
    dstPort: view.getUint16(2),
    seq: view.getUint32(4),
    ack: view.getUint32(8),
    flags: offsetFlags & 0xff,
    window: view.getUint16(14),
    mss,
    timestamp,
    payloadLength,
    data: readPayloadText(bytes, offset + headerLength, payloadLength),
  });
}
