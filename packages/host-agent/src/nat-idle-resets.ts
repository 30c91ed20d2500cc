/**
 * The RST pair an idle inbound NAT flow with `enableTcpReset` sends at its idle timeout
 * (docs/mechanics.md §2.6): the client's RST from the VIP first, then the VM's from the client,
 * each at the next sequence number seen from the other side.
 */
import { formatDurationNs, type Ipv4Packet, makeIpv4Packet, makeTcpSegment, TcpFlags } from '@lbsim/core';
import type { LocalNic, LocalVm } from './local-vm.ts';
import type { NatEntry } from './nat-table.ts';

/**
 * Sends the RST pair of `enableTcpReset` (docs/mechanics.md §2.6): one to the client toward
 * `uplink`, one to the VM on its NIC (`vm`, when it is still here), each through `originate`.
 */
export function sendNatIdleResets(
  entry: NatEntry,
  vm: { readonly vm: LocalVm; readonly nic: LocalNic } | undefined,
  uplink: string,
  originate: (packet: Ipv4Packet, to: string, note: string, nic?: string) => void,
): void {
  const { inbound, rule, guestAddress } = entry;
  const backendPort = rule.backendPort === 0 ? inbound.dstPort : rule.backendPort;
  const idle = formatDurationNs(rule.idleTimeoutNs);
  // The client's RST first: it is what the user of the connection sees.
  if (entry.tcp.serverNextSeq !== undefined) {
    const toClient = makeIpv4Packet(
      { src: rule.endpoint.vip, dst: inbound.srcAddress },
      makeTcpSegment({
        srcPort: inbound.dstPort,
        dstPort: inbound.srcPort,
        seq: entry.tcp.serverNextSeq,
        flags: TcpFlags.Rst,
        window: 0,
      }),
    );
    originate(toClient, uplink, `idle timeout (${idle}) with TCP reset: RST to the client`);
  }
  if (vm !== undefined && entry.tcp.clientNextSeq !== undefined) {
    const toVm = makeIpv4Packet(
      { src: inbound.srcAddress, dst: guestAddress },
      makeTcpSegment({
        srcPort: inbound.srcPort,
        dstPort: backendPort,
        seq: entry.tcp.clientNextSeq,
        flags: TcpFlags.Rst,
        window: 0,
      }),
    );
    originate(toVm, vm.vm.name, `idle timeout (${idle}) with TCP reset: RST to ${vm.vm.name}`, vm.nic.name);
  }
}
