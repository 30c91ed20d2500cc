/**
 * Hosts: one Host Agent per host, its VMs (guest OS, NICs, loopbacks, routes, host model), the
 * NSGs guarding their NICs, and their listeners.
 */
import {
  type Fabric,
  FtpServer,
  HttpProxy,
  HttpServer,
  type HttpServerConfig,
  ipv4,
  nsPerSecond,
  RdGatewayServer,
  type Router,
  TcpEchoServer,
  UdpEchoServer,
} from '@lbsim/core';
import { clampedMssBytes, type GuestVm, HostAgent, type NetworkSecurityGroup } from '@lbsim/host-agent';
import { hostAgentName, indexVms } from '../model/topology-names.ts';
import { virtualNetworkSpace } from '../model/virtual-network-space.ts';
import { listenerApp } from '../schema/host.ts';
import type { Scenario } from '../schema/scenario.ts';
import { buildGuestVm, localVmOf } from './guest.ts';
import { buildSecurityGroups } from './network-security.ts';

export { reassemblyTimeoutNs } from './guest.ts';

/** Who owns a DIP, for summaries. */
export interface DipOwner {
  readonly vm: string;
  readonly host: string;
  readonly nic: string;
}

/** The hosts part of the world. */
export interface Hosts {
  readonly hostAgents: ReadonlyMap<string, HostAgent>;
  readonly vms: ReadonlyMap<string, GuestVm>;
  /** DIP (NIC address) → owner. */
  readonly dipOwners: ReadonlyMap<number, DipOwner>;
  /** NSGs by name; changing one's rules reaches every NIC and subnet it guards. */
  readonly securityGroups: ReadonlyMap<string, NetworkSecurityGroup>;
  /**
   * Starts the listener declared on `vm` for (`protocol`, `port`, and `address` when given:
   * otherwise the first declared on that port).
   */
  startListener(vm: string, protocol: 'Tcp' | 'Udp', port: number, address?: string): void;
  /** Stops it; established TCP connections go on. */
  stopListener(vm: string, protocol: 'Tcp' | 'Udp', port: number, address?: string): void;
  /** Stops a VM: its stack halts and every packet for it is dropped. */
  stopVm(vm: string): void;
  /** Starts a stopped VM: it boots and its declared listeners start. */
  startVm(vm: string): void;
}

/**
 * The frontend addresses of Basic load balancers: open to inbound flows without an NSG, where
 * Standard's are closed (docs/mechanics.md §2.12, https://learn.microsoft.com/azure/load-balancer/skus).
 */
function basicFrontendAddresses(scenario: Scenario): Set<number> {
  return new Set(
    scenario.loadBalancers
      .filter((lb) => lb.sku === 'Basic')
      .flatMap((lb) => lb.frontends.map((frontend) => ipv4(frontend.ip))),
  );
}

type Listener = Scenario['hosts'][number]['vms'][number]['listeners'][number];

/** Builds every host, Host Agent and VM, links them, routes their addresses and starts listeners. */
export function buildHosts(scenario: Scenario, fabric: Fabric, router: Router): Hosts {
  const network = scenario.network;
  const hostAgents = new Map<string, HostAgent>();
  const vms = new Map<string, GuestVm>();
  const dipOwners = new Map<number, DipOwner>();
  const vmIndex = indexVms(scenario);
  const virtualNetwork = virtualNetworkSpace(scenario);
  const securityGroups = buildSecurityGroups(scenario);
  const openFrontends = basicFrontendAddresses(scenario);
  for (const host of scenario.hosts) {
    const agent = fabric.add(
      new HostAgent(fabric, {
        name: hostAgentName(host.name),
        uplink: router.name,
        mssClampBytes: network.mssClamp ? clampedMssBytes : undefined,
        virtualNetwork,
        openFrontends,
      }),
    );
    fabric.connect(agent.name, router.name, {
      latencyNs: network.latency.fabric,
      mtuBytes: network.fabricMtu ?? network.mtu,
    });
    hostAgents.set(host.name, agent);
    for (const vm of host.vms) {
      const nicNames = vmIndex.get(vm.name)?.nicNames ?? [];
      const guest = fabric.add(buildGuestVm(scenario, fabric, vm, nicNames, agent.name));
      fabric.connect(guest.name, agent.name, { latencyNs: network.latency.host, mtuBytes: network.mtu });
      agent.attachVm(localVmOf(scenario, vm, nicNames, securityGroups, virtualNetwork));
      const nics = guest.nics;
      for (const nic of nics) {
        router.addHostRoute(nic.address, agent.name);
        dipOwners.set(nic.address, { vm: vm.name, host: host.name, nic: nic.name });
      }
      vms.set(vm.name, guest);
    }
  }

  const listenerOf = (vmName: string, protocol: 'Tcp' | 'Udp', port: number, address?: string) => {
    const declared = vmIndex
      .get(vmName)
      ?.vm.listeners.find(
        (l) => l.protocol === protocol && l.port === port && (address === undefined || l.address === address),
      );
    const guest = vms.get(vmName);
    if (declared === undefined || guest === undefined) {
      throw new Error(`no ${protocol} listener on port ${port} of VM ${vmName}: validation should have caught this`);
    }
    return { declared, guest, address: declared.address === undefined ? undefined : ipv4(declared.address) };
  };
  const startListener = (vmName: string, protocol: 'Tcp' | 'Udp', port: number, bound?: string) => {
    const { declared, guest, address } = listenerOf(vmName, protocol, port, bound);
    // Nothing runs on a stopped VM; its listeners start when it does.
    if (!guest.isRunning) return;
    if (protocol === 'Udp') {
      guest.endpoint.bindUdp(port, address, new UdpEchoServer(guest.endpoint, port));
      return;
    }
    guest.endpoint.listen(port, address, tcpAppOf(declared, guest, fabric));
  };
  const stopListener = (vmName: string, protocol: 'Tcp' | 'Udp', port: number, bound?: string) => {
    const { guest, address } = listenerOf(vmName, protocol, port, bound);
    if (protocol === 'Udp') guest.endpoint.unbindUdp(port, address);
    else guest.endpoint.stopListening(port, address);
  };
  const startListenersOf = (vmName: string) => {
    for (const listener of vmIndex.get(vmName)?.vm.listeners ?? []) {
      startListener(vmName, listener.protocol, listener.port, listener.address);
    }
  };
  const guestNamed = (vmName: string): GuestVm => {
    const guest = vms.get(vmName);
    if (guest === undefined) throw new Error(`no VM ${vmName}: validation should have caught this`);
    return guest;
  };
  const stopVm = (vmName: string) => guestNamed(vmName).stop();
  const startVm = (vmName: string) => {
    const guest = guestNamed(vmName);
    if (guest.isRunning) return;
    guest.start();
    startListenersOf(vmName);
  };
  for (const host of scenario.hosts) for (const vm of host.vms) startListenersOf(vm.name);
  return { hostAgents, vms, dipOwners, securityGroups, startListener, stopListener, stopVm, startVm };
}

function tcpAppOf(listener: Listener, guest: GuestVm, fabric: Fabric) {
  switch (listenerApp(listener)) {
    case 'echo':
      return new TcpEchoServer();
    case 'ftp': {
      const ftp = listener.ftp;
      if (ftp === undefined) throw new Error('an ftp listener needs ftp settings: validation should have caught this');
      return new FtpServer(guest.endpoint, fabric.kernel, {
        passiveAddress: ipv4(ftp.passiveAddress),
        passivePortMin: ftp.passivePorts.from,
        passivePortMax: ftp.passivePorts.to,
        fileBytes: ftp.fileBytes,
        acceptTimeoutNs: 60 * nsPerSecond,
      });
    }
    case 'http':
      return new HttpServer(fabric.kernel, httpConfigOf(listener.http));
    case 'rd-gateway':
      return new RdGatewayServer();
    case 'proxy': {
      const proxy = listener.proxy;
      const own = guest.nics[0];
      if (proxy === undefined || own === undefined) {
        throw new Error('a proxy listener needs proxy settings and a NIC: validation should have caught this');
      }
      const [address = '', port = '0'] = proxy.upstream.split(':');
      return new HttpProxy(guest.endpoint, {
        localAddress: own.address,
        upstreamAddress: ipv4(address),
        upstreamPort: Number(port),
        bodyBytes: proxy.bodyBytes,
      });
    }
  }
}

/** The HTTP server settings of an `http` listener (its routes, or 200 with 512 bytes). */
export function httpConfigOf(http: Listener['http']): HttpServerConfig {
  if (http === undefined) return { routes: new Map(), fallback: { status: 200, bodyBytes: 512, delayNs: 0 } };
  return {
    routes: new Map(
      http.responses.map((response) => [
        response.path,
        { status: response.status, bodyBytes: response.bodyBytes ?? http.bodyBytes, delayNs: response.delay ?? 0 },
      ]),
    ),
    fallback: { status: http.defaultStatus, bodyBytes: http.bodyBytes, delayNs: 0 },
    closeAfterResponse: http.closeAfterResponse,
    ...(http.idleTimeout === undefined ? {} : { idleTimeoutNs: http.idleTimeout }),
  };
}
