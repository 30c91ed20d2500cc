/**
 * pcapng blocks (IETF draft-ietf-opsawg-pcapng), little-endian: a Section Header Block, one
 * Interface Description Block per vantage point, and one Enhanced Packet Block per packet
 * with its decision as a comment. Layouts verified with tshark 4.0.
 *
 * Every block is `type u32, total length u32, body, total length u32`, the body padded to
 * 4 bytes. Options are `code u16, length u16, value` padded to 4 bytes, ended by code 0.
 */
import { captureTimestampNs } from './capture-clock.ts';

const blockTypeSectionHeader = 0x0a0d0d0a;
const blockTypeInterfaceDescription = 0x00000001;
const blockTypeEnhancedPacket = 0x00000006;
const byteOrderMagic = 0x1a2b3c4d;

const optionEnd = 0;
const optionComment = 1;
const optionEpbFlags = 2;
const optionShbUserApplication = 4;
const optionIfName = 2;
const optionIfDescription = 3;
const optionIfTsResolution = 9;
/** if_tsresol 9: timestamps count 10^-9 s, nanoseconds. */
const tsResolutionNanoseconds = 9;
/** The most bytes an option value can hold (its length is 16 bits). */
export const maxPcapngOptionBytes = 0xffff;

const utf8 = new TextEncoder();

interface PcapngOption {
  readonly code: number;
  readonly value: Uint8Array;
}

function paddedLength(length: number): number {
  return (length + 3) & ~3;
}

function encodeOptions(options: readonly PcapngOption[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const size = options.reduce((sum, option) => sum + 4 + paddedLength(option.value.length), 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const option of options) {
    if (option.value.length > maxPcapngOptionBytes) {
      throw new RangeError(
        `pcapng option ${option.code} of ${option.value.length} bytes exceeds ${maxPcapngOptionBytes}`,
      );
    }
    view.setUint16(offset, option.code, true);
    view.setUint16(offset + 2, option.value.length, true);
    out.set(option.value, offset + 4);
    offset += 4 + paddedLength(option.value.length);
  }
  view.setUint16(offset, optionEnd, true);
  view.setUint16(offset + 2, 0, true);
  return out;
}

function encodeBlock(type: number, fixed: Uint8Array, options: readonly PcapngOption[]): Uint8Array {
  const encodedOptions = encodeOptions(options);
  const total = 12 + paddedLength(fixed.length) + encodedOptions.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(fixed, 8);
  out.set(encodedOptions, 8 + paddedLength(fixed.length));
  view.setUint32(total - 4, total, true);
  return out;
}

function textOption(code: number, text: string): PcapngOption {
  return { code, value: utf8.encode(text) };
}

/**
 * The Section Header Block that opens a pcapng file: version 1.0, section length unknown
 * (-1), `shb_userappl` naming the program that wrote it, then one `opt_comment` per entry of
 * `comments` (Wireshark: Statistics → Capture File Properties; capinfos: "Capture comment").
 */
export function encodePcapngSectionHeader(userApplication: string, comments: readonly string[] = []): Uint8Array {
  const fixed = new Uint8Array(16);
  const view = new DataView(fixed.buffer);
  view.setUint32(0, byteOrderMagic, true);
  view.setUint16(4, 1, true);
  view.setUint16(6, 0, true);
  view.setBigInt64(8, -1n, true);
  return encodeBlock(blockTypeSectionHeader, fixed, [
    ...comments.map((comment) => textOption(optionComment, comment)),
    textOption(optionShbUserApplication, userApplication),
  ]);
}

/** An interface of a pcapng file: one vantage point. */
export interface PcapngInterface {
  /** `if_name`: how Wireshark labels the interface, e.g. `mux-2`. */
  readonly name: string;
  /** `if_description`: a sentence on what the interface sees; left out when empty. */
  readonly description: string;
  /** LINKTYPE_ value, e.g. {@link linkTypeRaw}. */
  readonly linkType: number;
}

/**
 * An Interface Description Block: link type, snap length 0 (no limit), `if_name`,
 * `if_description` and `if_tsresol` = 9 (nanosecond timestamps). Interfaces are numbered
 * from 0 in the order their blocks appear.
 */
export function encodePcapngInterfaceDescription(iface: PcapngInterface): Uint8Array {
  const fixed = new Uint8Array(8);
  const view = new DataView(fixed.buffer);
  view.setUint16(0, iface.linkType, true);
  view.setUint16(2, 0, true);
  view.setUint32(4, 0, true);
  const options = [textOption(optionIfName, iface.name)];
  if (iface.description !== '') options.push(textOption(optionIfDescription, iface.description));
  options.push({ code: optionIfTsResolution, value: Uint8Array.of(tsResolutionNanoseconds) });
  return encodeBlock(blockTypeInterfaceDescription, fixed, options);
}

/** One captured packet. */
export interface CapturedPacket {
  /** Virtual time the packet crossed the vantage point, ns. */
  readonly atNs: number;
  /** The packet's bytes from its IP header on (see `encodeIpv4Packet`). */
  readonly bytes: Uint8Array;
  /** `opt_comment`: what the node decided about the packet; left out when empty. */
  readonly comment: string;
  /**
   * `epb_flags` direction: `inbound` (arrived at the vantage point) or `outbound` (left it);
   * Wireshark's `frame.packet_flags_direction`. Left out when undefined.
   */
  readonly direction?: PacketDirection | undefined;
}

/** Which way a packet crossed its vantage point. */
export type PacketDirection = 'inbound' | 'outbound';

/** `epb_flags` bits 0-1: 01 inbound, 10 outbound (pcapng draft §4.3.1). */
const directionFlags: Readonly<Record<PacketDirection, number>> = { inbound: 1, outbound: 2 };

function flagsOption(direction: PacketDirection): PcapngOption {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, directionFlags[direction], true);
  return { code: optionEpbFlags, value };
}

/**
 * An Enhanced Packet Block for interface `interfaceId`: the timestamp in nanoseconds from
 * the capture epoch ({@link captureTimestampNs}), the whole packet (captured length = original
 * length), its comment and its direction flags.
 *
 * @throws RangeError when the comment is longer than 65,535 UTF-8 bytes (callers shorten it).
 */
export function encodePcapngEnhancedPacket(interfaceId: number, packet: CapturedPacket): Uint8Array {
  const fixed = new Uint8Array(20 + packet.bytes.length);
  const view = new DataView(fixed.buffer);
  const timestamp = captureTimestampNs(packet.atNs);
  view.setUint32(0, interfaceId, true);
  view.setUint32(4, Number(timestamp >> 32n), true);
  view.setUint32(8, Number(timestamp & 0xffffffffn), true);
  view.setUint32(12, packet.bytes.length, true);
  view.setUint32(16, packet.bytes.length, true);
  fixed.set(packet.bytes, 20);
  const options = packet.comment === '' ? [] : [textOption(optionComment, packet.comment)];
  if (packet.direction !== undefined) options.push(flagsOption(packet.direction));
  return encodeBlock(blockTypeEnhancedPacket, fixed, options);
}
