/**
 * ICMP messages on the wire (RFC 792): type, code, checksum, 4 bytes of "rest of header", then
 * for errors the offending datagram's IPv4 header and its first 8 bytes, or for echo the data.
 */
import type { IcmpMessage, IcmpQuote } from '../net/packet.ts';
import { icmpHeaderBytes, icmpQuotedTransportBytes, ipv4HeaderBytes } from '../net/packet-size.ts';
import { internetChecksum } from './checksum.ts';
import { readIpv4Header, writeIpv4Header } from './ipv4-header.ts';
import { type WireResult, wireError, wireOk } from './result.ts';

const errorTypes = new Set([3, 4, 5, 11, 12]);

/** Whether an ICMP type is an error message that quotes a datagram (RFC 792). */
export function isIcmpErrorType(type: number): boolean {
  return errorTypes.has(type);
}

/** Writes `message` at `out[offset]` with its checksum. */
export function writeIcmpMessage(out: Uint8Array, offset: number, message: IcmpMessage): void {
  const quoteBytes = message.quote === undefined ? 0 : ipv4HeaderBytes + icmpQuotedTransportBytes;
  const length = icmpHeaderBytes + (message.quote === undefined ? message.payloadLength : quoteBytes);
  const view = new DataView(out.buffer, out.byteOffset + offset, length);
  view.setUint8(0, message.type);
  view.setUint8(1, message.code);
  view.setUint16(2, 0);
  view.setUint32(4, message.rest >>> 0);
  const quote = message.quote;
  if (quote !== undefined) {
    writeIpv4Header(out, offset + icmpHeaderBytes, quote);
    const at = icmpHeaderBytes + ipv4HeaderBytes;
    view.setUint16(at, quote.srcPort);
    view.setUint16(at + 2, quote.dstPort);
    view.setUint32(at + 4, quote.transportWord >>> 0);
  }
  view.setUint16(2, internetChecksum(out, offset, offset + length));
}

/** Reads an ICMP message from `bytes[offset, offset + length)`. */
export function readIcmpMessage(
  bytes: Uint8Array,
  offset: number,
  length: number,
  verifyChecksum: boolean,
): WireResult<IcmpMessage> {
  if (length < icmpHeaderBytes) return wireError(`ICMP header truncated: ${length} bytes`);
  if (verifyChecksum && internetChecksum(bytes, offset, offset + length) !== 0) {
    return wireError('ICMP checksum does not verify');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const type = view.getUint8(0);
  const code = view.getUint8(1);
  const rest = view.getUint32(4);
  if (!isIcmpErrorType(type)) {
    return wireOk({ kind: 'icmp', type, code, rest, quote: undefined, payloadLength: length - icmpHeaderBytes });
  }
  if (length < icmpHeaderBytes + ipv4HeaderBytes + icmpQuotedTransportBytes) {
    return wireError(`ICMP error of ${length} bytes is too short to quote a datagram`);
  }
  const header = readIpv4Header(bytes, offset + icmpHeaderBytes, false);
  if (!header.ok) return wireError(`ICMP quote: ${header.error}`);
  const at = icmpHeaderBytes + ipv4HeaderBytes;
  const quote: IcmpQuote = {
    ...header.value,
    srcPort: view.getUint16(at),
    dstPort: view.getUint16(at + 2),
    transportWord: view.getUint32(at + 4),
  };
  return wireOk({ kind: 'icmp', type, code, rest, quote, payloadLength: 0 });
}
