/**
 * Capture file bytes: the pcapng blocks and classic pcap records lbsim writes, checked byte
 * for byte against the layouts of the pcapng draft and libpcap, and read back by a small
 * reader written here from the same documents.
 */
import { describe, expect, it } from 'vitest';
import {
  captureTimestampNs,
  captureTimestampParts,
  encodeCaptureHeader,
  encodeCaptureRecord,
  encodePcapHeader,
  encodePcapngEnhancedPacket,
  encodePcapngInterfaceDescription,
  encodePcapngSectionHeader,
  encodePcapRecord,
  linkTypeRaw,
} from '../src/index.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

interface Block {
  readonly type: number;
  readonly body: Uint8Array;
}

/** Splits pcapng bytes into blocks, checking that each block's two lengths agree. */
function readBlocks(bytes: Uint8Array): Block[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Block[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const type = view.getUint32(offset, true);
    const total = view.getUint32(offset + 4, true);
    expect(total % 4).toBe(0);
    expect(view.getUint32(offset + total - 4, true)).toBe(total);
    blocks.push({ type, body: bytes.slice(offset + 8, offset + total - 4) });
    offset += total;
  }
  return blocks;
}

/** Reads the options starting at `offset` of a block body: code → value. */
function readOptions(body: Uint8Array, offset: number): Map<number, Uint8Array> {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const options = new Map<number, Uint8Array>();
  for (;;) {
    const code = view.getUint16(offset, true);
    const length = view.getUint16(offset + 2, true);
    if (code === 0) {
      expect(offset + 4).toBe(body.length);
      return options;
    }
    options.set(code, body.slice(offset + 4, offset + 4 + length));
    offset += 4 + ((length + 3) & ~3);
  }
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

const section = { userApplication: 'lbsim', comments: [] };

describe('capture timestamps', () => {
  it('are run time: virtual time 0 is the Unix epoch, as ns-3 writes them', () => {
    expect(captureTimestampNs(0)).toBe(0n);
    expect(captureTimestampNs(1_105_050_000)).toBe(1_105_050_000n);
    expect(captureTimestampParts(61_000_000_007)).toEqual({ seconds: 61, nanoseconds: 7 });
    expect(() => captureTimestampNs(-1)).toThrow(RangeError);
  });
});

describe('pcapng blocks', () => {
  it('the Section Header Block: byte-order magic, version 1.0, unknown length, shb_userappl', () => {
    const shb = encodePcapngSectionHeader('lbsim');
    expect(hex(shb.slice(0, 8))).toBe('0a0d0d0a2c000000');
    expect(hex(shb.slice(8, 24))).toBe('4d3c2b1a01000000ffffffffffffffff');
    const [block] = readBlocks(shb);
    expect(text(readOptions(block?.body as Uint8Array, 16).get(4))).toBe('lbsim');
  });

  it('section comments come before shb_userappl, one opt_comment each', () => {
    const shb = encodePcapngSectionHeader('lbsim 0.1.0', ['scenario: x', 'seed: 7']);
    const [block] = readBlocks(shb);
    const body = block?.body as Uint8Array;
    const view = new DataView(body.buffer, body.byteOffset);
    expect([view.getUint16(16, true), view.getUint16(18, true)]).toEqual([1, 11]);
    expect(text(body.slice(20, 31))).toBe('scenario: x');
    expect(text(readOptions(body, 16).get(4))).toBe('lbsim 0.1.0');
  });

  it('a direction sets epb_flags: 1 inbound, 2 outbound', () => {
    const inbound = encodePcapngEnhancedPacket(0, {
      atNs: 0,
      bytes: new Uint8Array(4),
      comment: '',
      direction: 'inbound',
    });
    const [block] = readBlocks(inbound);
    const flags = readOptions(block?.body as Uint8Array, 24).get(2) as Uint8Array;
    expect([...flags]).toEqual([1, 0, 0, 0]);
    const outbound = encodePcapngEnhancedPacket(0, {
      atNs: 0,
      bytes: new Uint8Array(4),
      comment: '',
      direction: 'outbound',
    });
    expect([...(readOptions(readBlocks(outbound)[0]?.body as Uint8Array, 24).get(2) as Uint8Array)]).toEqual([
      2, 0, 0, 0,
    ]);
  });

  it('the Interface Description Block: LINKTYPE_RAW, no snap limit, if_name, if_description, if_tsresol 9', () => {
    const idb = encodePcapngInterfaceDescription({ name: 'mux-2', description: 'Mux mux-2', linkType: linkTypeRaw });
    const [block] = readBlocks(idb);
    expect(block?.type).toBe(1);
    expect(hex(block?.body.slice(0, 8) as Uint8Array)).toBe('6500000000000000');
    const options = readOptions(block?.body as Uint8Array, 8);
    expect(text(options.get(2))).toBe('mux-2');
    expect(text(options.get(3))).toBe('Mux mux-2');
    expect([...(options.get(9) as Uint8Array)]).toEqual([9]);
  });

  it('an Enhanced Packet Block: interface, 64-bit ns timestamp, lengths, padded data, UTF-8 comment', () => {
    const bytes = Uint8Array.from([0x45, 1, 2, 3, 4, 5]);
    const epb = encodePcapngEnhancedPacket(0, { atNs: 1_500, bytes, comment: 'mux-2: hash → DIP 10.1.0.5' });
    const [block] = readBlocks(epb);
    expect(block?.type).toBe(6);
    const body = block?.body as Uint8Array;
    const view = new DataView(body.buffer, body.byteOffset);
    const timestamp = (BigInt(view.getUint32(4, true)) << 32n) | BigInt(view.getUint32(8, true));
    expect(timestamp).toBe(1_500n);
    expect([view.getUint32(0, true), view.getUint32(12, true), view.getUint32(16, true)]).toEqual([0, 6, 6]);
    expect([...body.slice(20, 28)]).toEqual([0x45, 1, 2, 3, 4, 5, 0, 0]);
    expect(text(readOptions(body, 28).get(1))).toBe('mux-2: hash → DIP 10.1.0.5');
  });

  it('a packet without a comment has no options at all', () => {
    const epb = encodePcapngEnhancedPacket(0, { atNs: 0, bytes: new Uint8Array(4), comment: '' });
    expect(epb.length).toBe(12 + 20 + 4);
  });

  it('refuses an option longer than 65,535 bytes', () => {
    expect(() =>
      encodePcapngEnhancedPacket(0, { atNs: 0, bytes: new Uint8Array(4), comment: 'x'.repeat(70_000) }),
    ).toThrow(RangeError);
  });

  it('a capture file header is a Section Header Block then one block per interface', () => {
    const header = encodeCaptureHeader('pcapng', section, [
      { name: 'web-1 in', description: '', linkType: linkTypeRaw },
      { name: 'web-1 out', description: '', linkType: linkTypeRaw },
    ]);
    expect(readBlocks(header).map((block) => block.type)).toEqual([0x0a0d0d0a, 1, 1]);
    const record = encodeCaptureRecord('pcapng', 1, { atNs: 0, bytes: new Uint8Array(4), comment: '' });
    expect(hex(record.slice(0, 4))).toBe('06000000');
    expect(hex(record.slice(8, 12))).toBe('01000000');
  });
});

describe('classic pcap', () => {
  it('the global header: nanosecond magic, version 2.4, snap length 262144, LINKTYPE_RAW', () => {
    expect(hex(encodePcapHeader(linkTypeRaw))).toBe('4d3cb2a10200040000000000000000000000040065000000');
    expect(hex(encodeCaptureHeader('pcap', section, [{ name: 'x', description: '', linkType: linkTypeRaw }]))).toBe(
      hex(encodePcapHeader(linkTypeRaw)),
    );
  });

  it('a record: seconds and nanoseconds from the epoch, both lengths, the bytes', () => {
    const record = encodePcapRecord({ atNs: 2_000_000_123, bytes: Uint8Array.from([0x45, 0]), comment: 'ignored' });
    const view = new DataView(record.buffer);
    expect([
      view.getUint32(0, true),
      view.getUint32(4, true),
      view.getUint32(8, true),
      view.getUint32(12, true),
    ]).toEqual([2, 123, 2, 2]);
    expect([...record.slice(16)]).toEqual([0x45, 0]);
  });
});
