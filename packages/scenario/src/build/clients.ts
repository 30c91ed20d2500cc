/**
 * Internet hosts: one node each, linked to the router; the clients of traffic items, and with
 * listeners the servers VMs reach through outbound SNAT.
 */
import { type Fabric, HttpServer, InternetHost, ipv4, type Router, TcpEchoServer, UdpEchoServer } from '@lbsim/core';
import { listenerApp } from '../schema/host.ts';
import type { Scenario } from '../schema/scenario.ts';
import { httpConfigOf, reassemblyTimeoutNs } from './hosts.ts';
import { tcpConfigFor } from './tcp-config.ts';

type Listener = Scenario['clients'][number]['listeners'][number];

/** Starts an Internet host's listener: HTTP or TCP echo, or UDP echo (validation allows no FTP here). */
function startListener(host: InternetHost, listener: Listener, fabric: Fabric): void {
  const address = listener.address === undefined ? undefined : ipv4(listener.address);
  const endpoint = host.endpoint;
  if (listener.protocol === 'Udp') {
    endpoint.bindUdp(listener.port, address, new UdpEchoServer(endpoint, listener.port));
    return;
  }
  const app =
    listenerApp(listener) === 'echo' ? new TcpEchoServer() : new HttpServer(fabric.kernel, httpConfigOf(listener.http));
  endpoint.listen(listener.port, address, app);
}

/** Builds and links the Internet clients, by name. */
export function buildClients(scenario: Scenario, fabric: Fabric, router: Router): Map<string, InternetHost> {
  const clients = new Map<string, InternetHost>();
  for (const client of scenario.clients) {
    const host = fabric.add(
      new InternetHost(fabric, {
        name: client.name,
        address: ipv4(client.ip),
        uplink: router.name,
        tcp: tcpConfigFor('linux', client.tcp, client.mtu ?? scenario.network.mtu),
        mtuBytes: client.mtu ?? scenario.network.mtu,
        reassemblyTimeoutNs,
        sendFragmentsInReverse: client.fragmentOrder === 'reverse',
      }),
    );
    fabric.connect(host.name, router.name, {
      latencyNs: scenario.network.latency.internet,
      mtuBytes: client.linkMtu ?? client.mtu ?? scenario.network.mtu,
    });
    router.addHostRoute(host.address, host.name);
    for (const listener of client.listeners) startListener(host, listener, fabric);
    clients.set(client.name, host);
  }
  return clients;
}
