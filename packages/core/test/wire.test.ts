import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIpv4Packet,
  encapsulateIpIp,
  encodeIpv4Packet,
  firstFragmentPorts,
  fragmentPacket,
  icmpQuoteOf,
  internetChecksum,
  ipv4,
  ipv4TotalLength,
  makeIpv4Packet,
  makeTcpSegment,
  makeUdpDatagram,
  reassembleFragments,
  rewriteFragment,
  TcpFlags,
  writeIpv4Header,
} from '../src/index.ts';
import { arbitraryIpIpPacket, arbitraryIpv4Packet, propertyTimeoutMs } from '../src/testing/index.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Internet checksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 worked example', () => {
    // Words 0001 f203 f4f5 f6f7 sum to 0xddf2; the checksum is its complement.
    expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });

  it('pads an odd byte with zero', () => {
    expect(internetChecksum(Uint8Array.from([0x01]))).toBe(~0x0100 & 0xffff);
  });
});

describe('IPv4 header', () => {
  it('writes the well-known example header byte for byte, checksum 0xb861', () => {
    const out = new Uint8Array(20);
    writeIpv4Header(out, 0, {
      src: ipv4('192.168.0.1'),
      dst: ipv4('192.168.0.199'),
      protocol: 17,
      ttl: 64,
      dscp: 0,
      id: 0,
      dontFragment: true,
      moreFragments: false,
      fragmentOffsetBytes: 0,
      totalLength: 0x73,
    });
    expect(hex(out)).toBe('450000730000400040 11b861c0a80001c0a800c7'.replace(/ /g, ''));
  });
});

describe('packet codec', () => {
  it('encodes a SYN with MSS and timestamps as 60 bytes with verifying checksums', () => {
    const syn = makeIpv4Packet(
      { src: ipv4('203.0.113.7'), dst: ipv4('52.170.10.20'), id: 0x1234 },
      makeTcpSegment({
        srcPort: 51515,
        dstPort: 80,
        seq: 1,
        flags: TcpFlags.Syn,
        mss: 1460,
        timestamp: { value: 7, echoReply: 0 },
      }),
    );
    const bytes = encodeIpv4Packet(syn);
    expect(bytes.length).toBe(20 + 20 + 4 + 12);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
    // Data offset 9 words (36 bytes), flags SYN.
    expect(bytes[32]).toBe(0x90);
    expect(bytes[33]).toBe(0x02);
    // MSS option: kind 2, length 4, 1460; then NOP NOP, timestamps kind 8 length 10.
    expect(hex(bytes.subarray(40, 48))).toBe('020405b40101080a');
    expect(decodeIpv4Packet(bytes)).toEqual({ ok: true, value: syn });
  });

  it('rejects a corrupted TCP checksum', () => {
    const packet = makeIpv4Packet(
      { src: 1, dst: 2 },
      makeTcpSegment({ srcPort: 1, dstPort: 2, flags: TcpFlags.Ack, data: 'hello' }),
    );
    const bytes = encodeIpv4Packet(packet);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    expect(decodeIpv4Packet(bytes)).toEqual({ ok: false, error: 'TCP checksum does not verify' });
    expect(decodeIpv4Packet(bytes, { verifyChecksums: false }).ok).toBe(true);
  });

  it('rejects truncated bytes and unknown protocols with a message, never an exception', {
    timeout: propertyTimeoutMs(),
  }, () => {
    expect(decodeIpv4Packet(new Uint8Array(10)).ok).toBe(false);
    const bytes = encodeIpv4Packet(makeIpv4Packet({ src: 1, dst: 2 }, makeUdpDatagram({ srcPort: 1, dstPort: 2 })));
    expect(decodeIpv4Packet(bytes.subarray(0, bytes.length - 1)).ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (garbage) => {
        const result = decodeIpv4Packet(garbage);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('round-trips every packet: decode(encode(p)) = p', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(arbitraryIpv4Packet, (packet) => {
        const bytes = encodeIpv4Packet(packet);
        expect(bytes.length).toBe(ipv4TotalLength(packet));
        expect(decodeIpv4Packet(bytes)).toEqual({ ok: true, value: packet });
      }),
    );
  });

  it('round-trips IP-in-IP, outer header first', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(arbitraryIpIpPacket, (packet) => {
        expect(decodeIpv4Packet(encodeIpv4Packet(packet))).toEqual({ ok: true, value: packet });
      }),
    );
  });

  it('encapsulation adds 20 bytes and copies DF and DSCP (RFC 2003 §3.1)', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(arbitraryIpv4Packet, arbitraryIpv4Packet, (inner, other) => {
        const outer = encapsulateIpIp(inner, other.src, other.dst, 9);
        expect(ipv4TotalLength(outer)).toBe(ipv4TotalLength(inner) + 20);
        expect(outer.dontFragment).toBe(inner.dontFragment);
        expect(outer.dscp).toBe(inner.dscp);
        expect(encodeIpv4Packet(outer)[9]).toBe(4);
      }),
    );
  });

  it('quotes a datagram in an ICMP error with its ports', () => {
    const packet = makeIpv4Packet(
      { src: ipv4('10.0.0.1'), dst: ipv4('10.0.0.2') },
      makeUdpDatagram({ srcPort: 5000, dstPort: 6000, payloadLength: 3 }),
    );
    const quote = icmpQuoteOf(packet);
    expect(quote).toMatchObject({ srcPort: 5000, dstPort: 6000, protocol: 17, totalLength: 31 });
    const error = makeIpv4Packet(
      { src: ipv4('10.0.0.2'), dst: ipv4('10.0.0.1') },
      { kind: 'icmp', type: 3, code: 3, rest: 0, quote, payloadLength: 0 },
    );
    expect(decodeIpv4Packet(encodeIpv4Packet(error))).toEqual({ ok: true, value: error });
  });
});

describe('fragmentation', () => {
  const big = (payloadLength: number, dontFragment = false) =>
    makeIpv4Packet(
      { src: ipv4('203.0.113.7'), dst: ipv4('198.51.100.10'), id: 4444, dontFragment },
      makeUdpDatagram({ srcPort: 40001, dstPort: 5000, payloadLength, data: 'abc' }),
    );

  it('a 1472-byte UDP payload fits 1500 bytes; 1473 does not', () => {
    expect(fragmentPacket(big(1472), 1500)).toHaveLength(1);
    expect(fragmentPacket(big(1473), 1500)).toHaveLength(2);
  });

  it('cuts 3000 bytes of UDP payload into 1480 + 1480 + 48 with shared id and MF', () => {
    const fragments = fragmentPacket(big(3000), 1500) ?? [];
    expect(fragments.map((f) => [f.fragmentOffsetBytes, f.moreFragments, f.id, ipv4TotalLength(f)])).toEqual([
      [0, true, 4444, 1500],
      [1480, true, 4444, 1500],
      [2960, false, 4444, 68],
    ]);
  });

  it('refuses with DF set', () => {
    expect(fragmentPacket(big(2000, true), 1500)).toBeUndefined();
  });

  it('fragment bytes decode as fragments and reassemble to the datagram in any order', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1473, max: 9000 }),
        fc.integer({ min: 68, max: 1500 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        (payloadLength, mtu, shuffleKeys) => {
          const packet = big(payloadLength);
          const fragments = fragmentPacket(packet, mtu) ?? [];
          expect(fragments.length).toBeGreaterThan(1);
          for (const fragment of fragments) {
            expect(ipv4TotalLength(fragment)).toBeLessThanOrEqual(mtu);
            expect(decodeIpv4Packet(encodeIpv4Packet(fragment))).toEqual({ ok: true, value: fragment });
          }
          const shuffled = fragments
            .map((fragment, i) => ({ fragment, key: shuffleKeys[i % shuffleKeys.length] as number }))
            .sort((a, b) => a.key - b.key)
            .map((entry) => entry.fragment);
          expect(reassembleFragments(shuffled)).toEqual({ ok: true, value: packet });
        },
      ),
    );
  });

  it('reports a hole or a missing last fragment', () => {
    const fragments = fragmentPacket(big(3000), 1500) ?? [];
    expect(reassembleFragments([fragments[0], fragments[2]] as typeof fragments)).toEqual({
      ok: false,
      error: 'hole at offset 1480',
    });
    expect(reassembleFragments(fragments.slice(0, 2))).toEqual({
      ok: false,
      error: 'last fragment missing after offset 2960',
    });
  });
});

describe('rewriting fragments (NAT without reassembly)', () => {
  it('a rewritten datagram reassembles with verifying checksums, as if NATed whole', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1473, max: 6000 }),
        fc.constantFrom('tcp', 'udp'),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 65535 }),
        (length, kind, newDst, newDstPort, newSrc, newSrcPort) => {
          const transport =
            kind === 'tcp'
              ? makeTcpSegment({ srcPort: 1000, dstPort: 80, flags: TcpFlags.Ack, payloadLength: length, data: 'GET' })
              : makeUdpDatagram({ srcPort: 1000, dstPort: 80, payloadLength: length, data: 'hi' });
          const packet = makeIpv4Packet(
            { src: ipv4('203.0.113.7'), dst: ipv4('52.0.0.1'), id: 77, dontFragment: false },
            transport,
          );
          const fragments = fragmentPacket(packet, 1500) ?? [];
          const change = { dst: newDst, dstPort: newDstPort, src: newSrc, srcPort: newSrcPort };
          const rewritten = fragments.map((f) => rewriteFragment(f, change));
          const whole = {
            ...packet,
            src: newSrc,
            dst: newDst,
            payload: { ...transport, srcPort: newSrcPort, dstPort: newDstPort },
          };
          expect(reassembleFragments(rewritten)).toEqual({ ok: true, value: whole });
          expect(firstFragmentPorts(rewritten[0] as (typeof rewritten)[0])).toEqual({
            srcPort: newSrcPort,
            dstPort: newDstPort,
          });
          expect(firstFragmentPorts(rewritten[1] as (typeof rewritten)[0])).toBeUndefined();
        },
      ),
    );
  });
});
