/**
 * The order tables list a run's nodes in (the report's node counters): clients, router, Muxes,
 * Host Agents, VMs, each in the scenario's order.
 */
import { describeTopology, type Scenario } from '@lbsim/scenario';

/** Node names in the order tables list them: clients, router, Muxes, Host Agents, VMs. */
export function vantageOrder(scenario: Scenario): string[] {
  const topology = describeTopology(scenario);
  return [
    ...topology.clients.map((client) => client.name),
    topology.router,
    ...topology.muxes.map((mux) => mux.name),
    ...topology.hosts.map((host) => host.name),
    ...topology.hosts.flatMap((host) => host.vms.map((vm) => vm.name)),
  ];
}
