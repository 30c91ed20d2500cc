/**
 * A capture file in either format: its header bytes, then one record per packet. pcapng (the
 * default) carries a section header saying which run wrote it, several named interfaces and
 * each packet's comment and direction; classic pcap carries none of these.
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

/** The program name written first in pcapng files' `shb_userappl` (then a space and its version). */
export const captureUserApplication = 'lbsim';

/** What a pcapng section header says about the file. */
export interface CaptureSection {
  /** `shb_userappl`, e.g. `lbsim 0.1.0`. */
  readonly userApplication: string;
  /** Section comments, one `opt_comment` each: scenario, seed, how to read the times, the run's mark. */
  readonly comments: readonly string[];
}

/**
 * The bytes a capture file starts with: for pcapng a Section Header Block and one Interface
 * Description Block per entry of `interfaces` (numbered from 0 in that order); for pcap the
 * global header of the first interface's link type (classic pcap has one link, no names).
 * @throws RangeError when `interfaces` is empty
 */
export function encodeCaptureHeader(
  format: CaptureFormat,
  section: CaptureSection,
  interfaces: readonly PcapngInterface[],
): Uint8Array {
  const first = interfaces[0];
  if (first === undefined) throw new RangeError('a capture file needs an interface');
  if (format === 'pcap') return encodePcapHeader(first.linkType);
  const blocks = [
    encodePcapngSectionHeader(section.userApplication, section.comments),
    ...interfaces.map(encodePcapngInterfaceDescription),
  ];
  const out = new Uint8Array(blocks.reduce((sum, block) => sum + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    out.set(block, offset);
    offset += block.length;
  }
  return out;
}

/**
 * The bytes of one packet record on interface `interfaceId` (see {@link encodeCaptureHeader});
 * classic pcap drops the interface, comment and direction.
 */
export function encodeCaptureRecord(format: CaptureFormat, interfaceId: number, packet: CapturedPacket): Uint8Array {
  return format === 'pcap' ? encodePcapRecord(packet) : encodePcapngEnhancedPacket(interfaceId, packet);
}
