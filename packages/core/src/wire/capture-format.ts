/**
 * A capture file of one vantage point in either format: its header bytes, then one record per
 * packet. pcapng (the default) carries the interface's name and each packet's comment;
 * classic pcap carries neither.
 */
import { encodePcapHeader, encodePcapRecord } from './pcap.ts';
import {
  type CapturedPacket,
  encodePcapngEnhancedPacket,
  encodePcapngInterfaceDescription,
  encodePcapngSectionHeader,
  type PcapngInterface,
} from './pcapng.ts';

/** The capture file formats lbsim writes. */
export const captureFormats = ['pcapng', 'pcap'] as const;

/** One of {@link captureFormats}. */
export type CaptureFormat = (typeof captureFormats)[number];

/** The file name extension of each format, with its dot. */
export const captureFileExtensions: Readonly<Record<CaptureFormat, string>> = { pcapng: '.pcapng', pcap: '.pcap' };

/** The program name written into pcapng files (`shb_userappl`). */
export const captureUserApplication = 'lbsim';

/**
 * The bytes a capture file of one interface starts with: for pcapng a Section Header Block
 * and the interface's Interface Description Block (interface 0); for pcap the global header.
 */
export function encodeCaptureHeader(format: CaptureFormat, iface: PcapngInterface): Uint8Array {
  if (format === 'pcap') return encodePcapHeader(iface.linkType);
  const section = encodePcapngSectionHeader(captureUserApplication);
  const description = encodePcapngInterfaceDescription(iface);
  const out = new Uint8Array(section.length + description.length);
  out.set(section, 0);
  out.set(description, section.length);
  return out;
}

/** The bytes of one packet record on interface 0 (see {@link encodeCaptureHeader}). */
export function encodeCaptureRecord(format: CaptureFormat, packet: CapturedPacket): Uint8Array {
  return format === 'pcap' ? encodePcapRecord(packet) : encodePcapngEnhancedPacket(0, packet);
}
