/**
 * Diagnoses of drops inside the guest VM: addresses it does not accept (floating IP, the
 * Windows strong host model, its own address as a source), Linux tcp_tw_recycle, a stopped VM
 * and out-of-order fragments (docs/mechanics.md §2.4, §2.5, §2.7, §3, §7.7).
 */

import { platformLabel } from '../schema/platform.ts';
import type { DropSituation, Finding } from './drop-situation.ts';
import { floatingIpIsRightWhen } from './floating-ip-causes.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { vmStoppedAt } from './listener-events.ts';
import { describeFragmentLimit } from './mux-drop-causes.ts';
import type { RuleFacts } from './scenario-index.ts';
import { atTime, distinct, listWords } from './words.ts';

/** The rule of the situation's connection when it has floating IP on, else `undefined`. */
function floatingRuleOf(situation: DropSituation): RuleFacts | undefined {
  const rule = situation.traffic === undefined ? undefined : situation.index.ruleOfTraffic(situation.traffic);
  return rule?.rule.enableFloatingIP === true ? rule : undefined;
}

/** `not-local-address`: floating IP without the frontend on loopback → floating-ip-no-loopback. */
export function diagnoseNotLocal(situation: DropSituation): Finding {
  const rule = floatingRuleOf(situation);
  if (rule === undefined) return diagnoseGenerally('not-local-address');
  const frontend = rule.frontendIp;
  const missing = distinct(
    rule.members.filter((member) => !member.vm.loopbacks.includes(frontend)).map((member) => member.vm.name),
  );
  const vms = listWords(missing);
  return {
    failureMode: 'floating-ip-no-loopback',
    cause:
      `Rule ${rule.name} has enableFloatingIP: true, so the Host Agent leaves the frontend IP ${frontend} as the destination; ` +
      `${vms} do${missing.length === 1 ? 'es' : ''} not have ${frontend} on a loopback, so the guest drops every SYN as not its own, ` +
      'while the probes, which connect to the DIP itself, stay green (docs/mechanics.md §2.4)',
    fix:
      `set enableFloatingIP: false on rule ${rule.name} (${floatingIpIsRightWhen}); ` +
      `a service that does need it gets ${frontend} on the loopbacks of ${vms} (on Linux: ip addr add ${frontend}/32 dev lo)`,
  };
}

/** `strong-host-receive` / `strong-host-send`: Windows without the weak host model → floating-ip-no-loopback. */
export function diagnoseStrongHost(situation: DropSituation): Finding {
  const reason = situation.drop.reason === 'strong-host-send' ? 'strong-host-send' : 'strong-host-receive';
  const rule = floatingRuleOf(situation);
  if (rule === undefined) return diagnoseGenerally(reason);
  const windows = distinct(
    rule.members
      .filter(
        (member) =>
          member.vm.os === 'windows' && (member.vm.weakHostReceive !== true || member.vm.weakHostSend !== true),
      )
      .map((member) => member.vm.name),
  );
  const vms = listWords(windows);
  const how =
    reason === 'strong-host-receive'
      ? `the SYN for ${rule.frontendIp} arrives on the NIC while the address is on the loopback, and the strong host model accepts a packet only on the interface that owns its destination`
      : `replies from ${rule.frontendIp} leave by the NIC, which does not own that address, and the strong host model sends only from the interface's own addresses`;
  return {
    failureMode: 'floating-ip-no-loopback',
    cause: `Rule ${rule.name} uses floating IP and ${vms} run Windows with ${rule.frontendIp} on a loopback but without the weak host model: ${how} (docs/mechanics.md §2.4)`,
    fix: `set weakHostReceive: true and weakHostSend: true on ${vms} (netsh interface ipv4 set interface <NIC> weakhostreceive=enabled, and weakhostreceive plus weakhostsend on the loopback)`,
  };
}

/** `martian-source`: a backend's flow to its internal frontend came back to it → ilb-self-mapping. */
export function diagnoseMartian(situation: DropSituation): Finding {
  const { index, traffic, connection } = situation;
  if (traffic === undefined || connection?.mappedToSource !== true) return diagnoseGenerally('martian-source');
  const item = index.scenario.traffic[traffic];
  const rule = index.ruleOfTraffic(traffic);
  if (item === undefined || rule === undefined) return diagnoseGenerally('martian-source');
  const own = index.sourceOf(traffic);
  const share =
    rule.rule.loadDistribution === 'Default'
      ? `with 5-tuple hashing about 1 in ${rule.members.length} of its connections are mapped back to it and time out, seemingly at random`
      : `with loadDistribution ${rule.rule.loadDistribution} the hash ignores the source port, so every connection of ${item.from} goes to the same DIP: it always fails or never does`;
  return {
    failureMode: 'ilb-self-mapping',
    cause:
      `${item.from} is a backend of internal load balancer ${rule.loadBalancer.name} and calls its frontend ${rule.frontendIp}; an internal load balancer does not SNAT, ` +
      `so when the hash picks ${item.from} itself the SYN arrives from its own address (${own} → ${own}) and the guest drops it as a martian: the two legs of the flow never match (docs/mechanics.md §2.5); ${share}`,
    fix: `call ${rule.frontendIp} from outside backend pool ${rule.rule.backendPool} (its own tier, or a proxy in front), or set enableFloatingIP: true on rule ${rule.name} with ${rule.frontendIp} in the loopbacks of the backends`,
  };
}

/** `tw-recycle-paws`: Linux tcp_tw_recycle dropped a SYN with an older timestamp → tw-recycle. */
export function diagnoseTwRecycle(situation: DropSituation): Finding {
  const recycling = distinct(
    situation.index.scenario.hosts.flatMap((host) =>
      host.vms.filter((vm) => vm.tcp?.twRecycle === true).map((vm) => vm.name),
    ),
  );
  const vms = recycling.length === 0 ? situation.drop.node : listWords(recycling);
  const peer =
    situation.probe === undefined
      ? 'clients that share one address (behind a NAT) do not share a timestamp clock'
      : "Azure's probers share the address 168.63.129.16 but not a timestamp clock";
  const effect =
    situation.probe === undefined
      ? 'the connection attempt goes unanswered'
      : 'the probe times out and the DIP is marked down, until a later probe marks it up again: the DIP flaps';
  return {
    failureMode: 'tw-recycle',
    cause:
      `${vms} run${recycling.length === 1 ? 's' : ''} Linux with net.ipv4.tcp_tw_recycle = 1 and TCP timestamps on: after a connection goes through TIME-WAIT the guest remembers ` +
      `the peer's last timestamp and silently drops, for 60 s, a SYN from that address whose timestamp is older — and ${peer}, so many SYNs look older; ${effect} (docs/mechanics.md §3, §7.7)`,
    fix: `set tcp: { twRecycle: false } on ${vms} (tcp_tw_recycle was removed in Linux 4.12); turning TCP timestamps off (tcp: { timestamps: false }) also stops the drops`,
  };
}

/**
 * `vm-stopped`: the VM was stopped by an event. Named with every VM of its pool that a
 * `stop-vm` event stops, so one explanation covers them all.
 */
export function diagnoseVmStopped(situation: DropSituation): Finding {
  const { index } = situation;
  const vm = situation.probe?.vm ?? situation.drop.node;
  if (vmStoppedAt(index.scenario, vm, situation.drop.atNs) === undefined) return diagnoseGenerally('vm-stopped');
  const rules =
    situation.probe !== undefined
      ? index.rulesProbedBy(situation.probe.name)
      : situation.traffic === undefined
        ? []
        : [index.ruleOfTraffic(situation.traffic)].flatMap((rule) => (rule === undefined ? [] : [rule]));
  const scope = distinct([vm, ...rules.flatMap((rule) => rule.members.map((member) => member.vm.name))]);
  const stops = index.scenario.events
    .flatMap((event) => (event.action === 'stop-vm' && scope.includes(event.vm) ? [event] : []))
    .sort((a, b) => a.at - b.at);
  const vms = distinct(stops.map((event) => event.vm));
  const times = distinct(stops.map((event) => atTime(event.at)));
  return {
    failureMode: undefined,
    cause: `${listWords(vms)} ${vms.length === 1 ? 'was' : 'were'} stopped (stop-vm at ${listWords(times)}): a stopped VM's connections are gone and every packet for it is dropped; it is not probed and counts as down (docs/mechanics.md §2.3)`,
    fix: `start ${listWords(vms)} again (start-vm); while a VM is stopped its probe keeps new flows away from it`,
  };
}

/** `fragment-out-of-order`: the VM drops fragments that arrive out of order → udp-fragmentation. */
export function diagnoseOutOfOrderFragment(situation: DropSituation): Finding {
  const limit = describeFragmentLimit(situation);
  return {
    failureMode: 'udp-fragmentation',
    cause: `${limit.cause}; ${situation.drop.node} drops fragments that arrive out of order (outOfOrderFragments: drop, Azure's default: docs/mechanics.md §2.7), so the datagram is lost`,
    fix: `${limit.fix}; outOfOrderFragments: reassemble on ${situation.drop.node} is a what-if (${platformLabel}: Azure's hosts drop fragments that arrive out of order)`,
  };
}
