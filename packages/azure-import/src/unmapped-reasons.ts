/**
 * Why a resource type or a property is not in the imported scenario, in one line each. A key
 * that returns `undefined` is bookkeeping (ids, etags, API versions) and is passed over.
 */

/** Keys that are only bookkeeping: nothing to simulate and nothing lost. */
const bookkeeping = new Set(
  [
    'type',
    'apiVersion',
    'id',
    'etag',
    'name',
    'provisioningState',
    'resourceGuid',
    'resourceGroup',
    'comments',
    'dependsOn',
    'condition',
    'kind',
    'managedBy',
    'systemData',
    'scope',
  ].map((key) => key.toLowerCase()),
);

/** Properties with a specific reason. */
const reasons: ReadonlyMap<string, string> = new Map([
  ['location', 'lbsim simulates one region: the location changes nothing it models'],
  ['tags', 'tags do not change forwarding'],
  ['zones', 'availability zones are not simulated: lbsim models one datacenter (docs/mechanics.md §7.1)'],
  ['dnssettings', 'DNS names are not simulated: traffic is addressed by IP'],
  [
    'enableacceleratednetworking',
    'accelerated networking bypasses the host CPU path but not the Host Agent rules lbsim models; no effect',
  ],
  ['enableipforwarding', 'IP forwarding (network virtual appliances) is not simulated'],
  ['natgateway', 'NAT gateway outbound is not simulated; outbound here is load-balancer SNAT only'],
  ['routetable', 'user-defined routes are not simulated'],
  ['serviceendpoints', 'service endpoints are not simulated'],
  ['delegations', 'subnet delegation is not simulated'],
  ['privateendpointnetworkpolicies', 'private endpoints are not simulated'],
  ['privatelinkservicenetworkpolicies', 'Private Link is not simulated'],
  ['defaultsecurityrules', "Azure's default NSG rules: lbsim applies them itself (docs/mechanics.md §7.6)"],
  ['inboundnatpools', 'inbound NAT pools (scale sets) are not imported'],
  ['gatewayloadbalancer', 'gateway load balancers are not simulated'],
  ['publicipprefix', 'public IP prefixes are not imported: give the frontend a public IP address'],
  ['privateipaddressversion', 'lbsim simulates IPv4 only'],
  ['hardwareprofile', 'VM size does not change forwarding in lbsim'],
  ['storageprofile', 'disks and images are not simulated (only the OS family is read)'],
  ['osprofile', 'credentials and OS settings are not simulated (only the OS family is read)'],
  ['diagnosticsprofile', 'boot diagnostics are not simulated'],
  ['availabilityset', 'availability sets are not simulated (one datacenter)'],
  ['securityprofile', 'VM security settings are not simulated'],
  ['identity', 'managed identities are not simulated'],
  ['plan', 'marketplace plans are not simulated'],
  ['ddosprotectionplan', 'DDoS protection is not simulated'],
  ['enableddosprotection', 'DDoS protection is not simulated'],
  ['dhcpoptions', 'custom DNS servers are not simulated'],
  ['virtualnetworkpeerings', 'peered virtual networks are not simulated (one virtual network)'],
  ['ipallocations', 'IP allocations are not simulated'],
  ['auxiliarymode', 'accelerated connections are not simulated'],
  ['nicType', 'NIC types are not simulated'],
  ['loadbalancerbackendaddresses', 'IP-based backend pool entries not matching an imported NIC are not imported'],
  ['description', 'free text'],
]);

/** Why the property `key` is not mapped, or `undefined` for bookkeeping. */
export function unmappedPropertyReason(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (bookkeeping.has(lower)) return undefined;
  return reasons.get(lower) ?? 'lbsim does not simulate this property';
}

/** Resource types with a specific reason for not being imported (lower-case type). */
const resourceReasons: ReadonlyMap<string, string> = new Map([
  ['microsoft.network/natgateways', 'NAT gateway outbound is not simulated; outbound here is load-balancer SNAT only'],
  ['microsoft.network/bastionhosts', 'Azure Bastion is management access, not on the load-balancing path'],
  ['microsoft.storage/storageaccounts', 'storage accounts are not on the load-balancing path'],
  ['microsoft.compute/availabilitysets', 'availability sets are not simulated (one datacenter)'],
  [
    'microsoft.compute/virtualmachines/extensions',
    "VM extensions are not simulated; lbsim assumes listeners on the rules' backend ports instead",
  ],
  [
    'microsoft.compute/virtualmachinescalesets',
    "scale sets are not imported: import their instances' NICs (az vmss nic list) and VMs",
  ],
  ['microsoft.resources/deployments', 'nested deployments are not entered: import the nested template on its own'],
  ['microsoft.network/routetables', 'user-defined routes are not simulated'],
  ['microsoft.network/applicationgateways', 'Application Gateway is not simulated (lbsim models Azure Load Balancer)'],
  ['microsoft.network/privateendpoints', 'private endpoints are not simulated'],
  ['microsoft.network/networkwatchers', 'Network Watcher itself is not simulated; lbsim flow plays its part'],
]);

/** Why a resource of `type` is not imported. */
export function unmappedResourceReason(type: string): string {
  return resourceReasons.get(type.toLowerCase()) ?? `resources of type ${type} are not simulated by lbsim`;
}
