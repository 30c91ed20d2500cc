/**
 * A host on the Internet (or any network outside the simulated datacenter) with one address,
 * a network stack, and one link to the edge router.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import { formatIpv4Address } from '../net/ipv4-address.ts';
import type { Ipv4Packet } from '../net/packet.ts';
import type { Fabric, LinkPort, NetworkNode } from '../sim/fabric.ts';
import type { PacketMeta } from '../sim/packet-meta.ts';
import { Endpoint } from './endpoint.ts';
import type { TcpConfig } from './tcp-config.ts';

/** Options of an {@link InternetHost}. */
export interface InternetHostOptions {
  readonly name: string;
  readonly address: Ipv4Address;
  /** Name of the neighbour it sends everything to (the edge router). */
  readonly uplink: string;
  readonly tcp: TcpConfig;
  readonly mtuBytes: number;
  readonly reassemblyTimeoutNs: number;
  /** Send a datagram's fragments last first (some stacks and paths reorder them). */
  readonly sendFragmentsInReverse?: boolean;
}

/** An Internet client. */
export class InternetHost implements NetworkNode {
  readonly name: string;
  readonly address: Ipv4Address;
  readonly endpoint: Endpoint;

  constructor(
    private readonly fabric: Fabric,
    options: InternetHostOptions,
  ) {
    this.name = options.name;
    this.address = options.address;
    let uplink: LinkPort | undefined;
    this.endpoint = new Endpoint({
      name: options.name,
      kernel: fabric.kernel,
      tracer: fabric.tracer,
      random: fabric.kernel.random(`endpoint:${options.name}`),
      tcp: options.tcp,
      mtuBytes: options.mtuBytes,
      reassemblyTimeoutNs: options.reassemblyTimeoutNs,
      sendFragmentsInReverse: options.sendFragmentsInReverse ?? false,
      // The uplink is resolved on the first packet (links are declared after the nodes).
      output: (packet, meta) => {
        uplink ??= fabric.requirePort(options.name, options.uplink);
        return uplink.send(packet, meta);
      },
    });
  }

  receive(packet: Ipv4Packet, meta: PacketMeta, _from: string): void {
    if (packet.dst !== this.address) {
      this.fabric.tracer.emit(
        this.fabric.kernel.nowNs,
        this.name,
        'drop',
        packet,
        meta,
        `${formatIpv4Address(packet.dst)} is not this host's address`,
        'not-local-address',
      );
      return;
    }
    this.endpoint.receive(packet, meta);
  }
}
