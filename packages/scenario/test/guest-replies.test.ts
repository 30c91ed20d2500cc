import { IcmpType, IcmpUnreachableCode, type Ipv4Packet, ipv4, TcpFlags } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { type GuestReply, guestReplyOf, judgeDips } from '../src/run/guest-replies.ts';

function tcp(src: string, srcPort: number, flags: number): Ipv4Packet {
  return packetOf(src, {
    kind: 'tcp',
    srcPort,
    dstPort: 50000,
    seq: 0,
    ack: 0,
    flags,
    window: 65535,
    payloadLength: 0,
  });
}

function packetOf(src: string, payload: unknown): Ipv4Packet {
  return {
    kind: 'ipv4',
    src: ipv4(src),
    dst: ipv4('203.0.113.7'),
    ttl: 64,
    dscp: 0,
    id: 0,
    dontFragment: true,
    moreFragments: false,
    fragmentOffsetBytes: 0,
    payload,
  } as Ipv4Packet;
}

const owners: Record<string, string> = { '10.1.0.4': 'web-1', '10.1.0.5': 'web-2', '10.1.0.6': 'web-1' };
const ownerOf = (dip: string) => owners[dip];
const client = { opener: 'client-1', openerPort: 50000, destination: ipv4('52.170.10.20') };

describe('guestReplyOf', () => {
  it('a SYN-ACK or a UDP datagram accepts; an RST or ICMP port unreachable refuses; the rest answer nothing', () => {
    expect(guestReplyOf('web-1', tcp('10.1.0.4', 80, TcpFlags.Syn | TcpFlags.Ack))).toEqual({
      node: 'web-1',
      address: ipv4('10.1.0.4'),
      port: 80,
      kind: 'accept',
    });
    expect(guestReplyOf('web-1', tcp('10.1.0.4', 80, TcpFlags.Rst | TcpFlags.Ack))?.kind).toBe('refuse');
    expect(guestReplyOf('web-1', tcp('10.1.0.4', 80, TcpFlags.Ack))).toBeUndefined();
    expect(guestReplyOf('web-1', tcp('10.1.0.4', 80, TcpFlags.Syn))).toBeUndefined();
    expect(
      guestReplyOf('web-1', packetOf('10.1.0.4', { kind: 'udp', srcPort: 53, dstPort: 50000, payloadLength: 10 })),
    ).toMatchObject({ port: 53, kind: 'accept' });
    const quote = { srcPort: 50000, dstPort: 5060 };
    const unreachable = (code: number) =>
      packetOf('10.1.0.4', { kind: 'icmp', type: IcmpType.DestinationUnreachable, code, rest: 0, quote });
    expect(guestReplyOf('web-1', unreachable(IcmpUnreachableCode.Port))).toMatchObject({
      port: 5060,
      kind: 'refuse',
    });
    expect(guestReplyOf('web-1', unreachable(IcmpUnreachableCode.FragmentationNeeded))).toBeUndefined();
  });
});

describe('judgeDips', () => {
  const synAck = (node: string, address: string): GuestReply => ({
    node,
    address: ipv4(address),
    port: 80,
    kind: 'accept',
  });

  it('a DIP the Mux picked but whose guest sent nothing did not serve the connection', () => {
    expect(judgeDips(['10.1.0.4'], [], ownerOf, client)).toEqual({
      servedBy: [],
      refusedBy: [],
      unansweredBy: ['10.1.0.4'],
    });
  });

  it('a DIP served when its guest accepted, refused when it only answered RST', () => {
    const replies: GuestReply[] = [
      synAck('web-1', '10.1.0.4'),
      { node: 'web-2', address: ipv4('10.1.0.5'), port: 80, kind: 'refuse' },
    ];
    expect(judgeDips(['10.1.0.4', '10.1.0.5'], replies, ownerOf, client)).toEqual({
      servedBy: ['10.1.0.4'],
      refusedBy: ['10.1.0.5'],
      unansweredBy: [],
    });
  });

  it('a guest that accepted and later reset a connection served it', () => {
    const replies: GuestReply[] = [synAck('web-1', '10.1.0.4'), { ...synAck('web-1', '10.1.0.4'), kind: 'refuse' }];
    expect(judgeDips(['10.1.0.4'], replies, ownerOf, client).servedBy).toEqual(['10.1.0.4']);
  });

  it('with floating IP the answer comes from the frontend IP and counts for the DIP the Mux picked', () => {
    expect(judgeDips(['10.1.0.4'], [synAck('web-1', '52.170.10.20')], ownerOf, client).servedBy).toEqual(['10.1.0.4']);
  });

  it("an answer from one of a VM's DIPs does not count for its other DIP", () => {
    const verdicts = judgeDips(['10.1.0.4', '10.1.0.6'], [synAck('web-1', '10.1.0.6')], ownerOf, client);
    expect(verdicts).toEqual({ servedBy: ['10.1.0.6'], refusedBy: [], unansweredBy: ['10.1.0.4'] });
  });

  it("a VM reaching its own frontend: its own packets are no answer, its server's are", () => {
    const opener = { opener: 'web-1', openerPort: 41000, destination: ipv4('10.1.0.100') };
    const own: GuestReply = { node: 'web-1', address: ipv4('10.1.0.4'), port: 41000, kind: 'accept' };
    expect(judgeDips(['10.1.0.4'], [own], ownerOf, opener).servedBy).toEqual([]);
    expect(judgeDips(['10.1.0.4'], [own, synAck('web-1', '10.1.0.4')], ownerOf, opener).servedBy).toEqual(['10.1.0.4']);
  });

  it('a datagram the guest reassembled (traced as sent from its remote source) is no reply', () => {
    const reassembled: GuestReply = { node: 'web-1', address: ipv4('203.0.113.7'), port: 50000, kind: 'accept' };
    expect(judgeDips(['10.1.0.4'], [reassembled], ownerOf, client).unansweredBy).toEqual(['10.1.0.4']);
  });

  it('replies of a VM that owns none of the DIPs count for none', () => {
    expect(judgeDips(['10.1.0.5'], [synAck('web-1', '10.1.0.4')], ownerOf, client).unansweredBy).toEqual(['10.1.0.5']);
  });
});
