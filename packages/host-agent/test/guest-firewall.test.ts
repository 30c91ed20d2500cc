/**
 * The guest firewall (docs/mechanics.md §7.6): rules by port and source in order, the first match
 * deciding, then the default action; only connection-opening SYNs are judged.
 */
import { ipv4, makeIpv4Packet, makeTcpSegment, parseIpv4Prefix, renderTraceNote, TcpFlags } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { admitThroughGuestFirewall, type GuestFirewall } from '../src/index.ts';

const probe = ipv4('168.63.129.16');
const peer = ipv4('10.1.0.9');
const vm = ipv4('10.1.0.4');
const segment = (src: number, dstPort: number, flags: number) =>
  makeIpv4Packet({ src, dst: vm }, makeTcpSegment({ srcPort: 50000, dstPort, seq: 1, flags }));

const hardened: GuestFirewall = {
  rules: [
    { name: 'web', action: 'Allow', port: 80 },
    { name: 'health-from-vnet', action: 'Allow', port: 8080, source: parseIpv4Prefix('10.0.0.0/8') },
  ],
  defaultAction: 'Block',
};

describe('guest firewall', () => {
  it('blocks the probe source on the health port by the default action, and lets the virtual network in', () => {
    const blocked = admitThroughGuestFirewall(hardened, segment(probe, 8080, TcpFlags.Syn));
    expect(blocked).toEqual({
      kind: 'block',
      rule: undefined,
      note: { code: 'guest-firewall-blocked', source: probe, port: 8080, rule: undefined },
    });
    expect(blocked.kind === 'block' ? renderTraceNote(blocked.note) : '').toBe(
      'guest firewall blocks TCP from 168.63.129.16 to port 8080: no rule matches and the default action is Block',
    );
    expect(admitThroughGuestFirewall(hardened, segment(peer, 8080, TcpFlags.Syn)).kind).toBe('pass');
    expect(admitThroughGuestFirewall(hardened, segment(probe, 80, TcpFlags.Syn)).kind).toBe('pass');
  });

  it('the first matching rule decides: an allow for 168.63.129.16 ahead of a block lets the probes in', () => {
    const fixed: GuestFirewall = {
      rules: [
        { name: 'allow-azure-probes', action: 'Allow', port: 8080, source: parseIpv4Prefix('168.63.129.16') },
        { name: 'block-8080', action: 'Block', port: 8080 },
      ],
      defaultAction: 'Allow',
    };
    expect(admitThroughGuestFirewall(fixed, segment(probe, 8080, TcpFlags.Syn)).kind).toBe('pass');
    const verdict = admitThroughGuestFirewall(fixed, segment(peer, 8080, TcpFlags.Syn));
    expect(verdict.kind === 'block' ? verdict.rule : undefined).toBe('block-8080');
  });

  it('judges only SYNs that open a connection: segments of admitted connections pass', () => {
    expect(admitThroughGuestFirewall(hardened, segment(probe, 8080, TcpFlags.Ack)).kind).toBe('pass');
    expect(admitThroughGuestFirewall(hardened, segment(probe, 8080, TcpFlags.Syn | TcpFlags.Ack)).kind).toBe('pass');
  });
});
