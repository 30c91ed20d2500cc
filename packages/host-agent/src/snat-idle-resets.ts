/**
 * The RST pair an idle SNAT flow with `enableTcpReset` sends at its idle timeout
 * (docs/mechanics.md §2.6): one to the remote end from the SNAT address, one to the VM from the
 * remote end, each at the next sequence number seen from that side.
 */
import {
  formatDurationNs,
  formatIpv4Address,
  type Ipv4Packet,
  makeIpv4Packet,
  makeTcpSegment,
  TcpFlags,
} from '@lbsim/core';
import type { SnatFlow } from './snat-flow-table.ts';

/**
 * The RST pair of `enableTcpReset` at idle timeout (docs/mechanics.md §2.6): to the remote end,
 * then to the VM, each through `originate` (the Host Agent's `OutboundSnatOptions.originate`).
 */
export function sendSnatIdleResets(
  flow: SnatFlow,
  originate: (packet: Ipv4Packet, connectionId: number, toDip: number | undefined, note: string) => void,
): void {
  const idle = formatDurationNs(flow.idleTimeoutNs);
  const { clientNextSeq, serverNextSeq } = flow.tcp;
  if (clientNextSeq !== undefined) {
    const toRemote = makeIpv4Packet(
      { src: flow.vip, dst: flow.remote },
      makeTcpSegment({
        srcPort: flow.snatPort,
        dstPort: flow.remotePort,
        seq: clientNextSeq,
        flags: TcpFlags.Rst,
        window: 0,
      }),
    );
    originate(
      toRemote,
      flow.connectionId,
      undefined,
      `SNAT idle timeout (${idle}) with TCP reset: RST to ${formatIpv4Address(flow.remote)}`,
    );
  }
  if (serverNextSeq !== undefined) {
    const toVm = makeIpv4Packet(
      { src: flow.remote, dst: flow.dip },
      makeTcpSegment({
        srcPort: flow.remotePort,
        dstPort: flow.dipPort,
        seq: serverNextSeq,
        flags: TcpFlags.Rst,
        window: 0,
      }),
    );
    originate(toVm, flow.connectionId, flow.dip, `SNAT idle timeout (${idle}) with TCP reset: RST to the VM`);
  }
}
