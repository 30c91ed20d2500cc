/**
 * The table from drop reason to diagnosis: every reason in core/sim/drop-reason.ts has an
 * entry (the Record type makes a new reason fail to compile until it gets one). An entry looks
 * at the context — a probe's packet or a connection's, which node, the rule's settings, the
 * scenario's events — to name the catalogue failure mode and its fix; where none fits it gives
 * the reason's general fix (general-fixes.ts).
 */
import type { DropReason } from '@lbsim/core';
import { platformLabel } from '../schema/platform.ts';
import type { DropDiagnoser, DropSituation, Finding } from './drop-situation.ts';
import { diagnoseNoConnection } from './flow-move-causes.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import {
  diagnoseMartian,
  diagnoseNotLocal,
  diagnoseOutOfOrderFragment,
  diagnoseStrongHost,
  diagnoseTwRecycle,
  diagnoseVmStopped,
} from './guest-drop-causes.ts';
import { diagnoseGuestFirewall } from './guest-firewall-causes.ts';
import {
  diagnoseAsymmetricNic,
  diagnoseHairpin,
  diagnoseIdleTimeout,
  diagnoseNsgDenied,
  diagnoseStandardClosed,
} from './host-drop-causes.ts';
import { diagnoseIcmpUnhandled, diagnoseMtuExceeded } from './mtu-causes.ts';
import {
  describeFragmentLimit,
  diagnoseFragmentBeforeFirst,
  diagnoseFragmentOnRule,
  diagnoseMuxDown,
  diagnoseNoVipEndpoint,
} from './mux-drop-causes.ts';
import { diagnoseNoHealthyDip } from './no-healthy-dip.ts';
import { diagnoseNoListener } from './refusal-causes.ts';
import { diagnoseSnatExhausted } from './snat-causes.ts';

/** A table entry that only ever gives the general diagnosis. */
function generally(reason: DropReason): DropDiagnoser {
  return () => diagnoseGenerally(reason);
}

/** Reassembly failures of a traffic item's oversized UDP datagrams belong to udp-fragmentation. */
function diagnoseReassembly(reason: 'reassembly-timeout' | 'reassembly-failed'): DropDiagnoser {
  return (situation: DropSituation): Finding => {
    const item = situation.traffic === undefined ? undefined : situation.index.scenario.traffic[situation.traffic];
    const client = situation.index.scenario.clients.find((candidate) => candidate.name === item?.from);
    const mtu = client?.mtu ?? situation.index.scenario.network.mtu;
    if (item?.protocol !== 'Udp' || item.requestBytes <= mtu - 28) return diagnoseGenerally(reason);
    const limit = describeFragmentLimit(situation);
    return {
      failureMode: 'udp-fragmentation',
      cause: `${limit.cause}, and not all of them reached ${situation.drop.node}, which gave the datagram up`,
      fix: `${limit.fix}, or send large datagrams outside the load balancer; network.fragmentPolicy: three-tuple is a what-if (${platformLabel})`,
    };
  };
}

/** Drop reason → diagnosis. */
export const dropDiagnoses: Readonly<Record<DropReason, DropDiagnoser>> = {
  'no-route': generally('no-route'),
  'ttl-expired': generally('ttl-expired'),
  'mtu-exceeded': diagnoseMtuExceeded,
  'mux-down': diagnoseMuxDown,
  'fragment-before-first': diagnoseFragmentBeforeFirst,
  'no-vip-endpoint': diagnoseNoVipEndpoint,
  'no-healthy-dip': diagnoseNoHealthyDip,
  'fragment-on-lb-rule': diagnoseFragmentOnRule,
  'idle-timeout': diagnoseIdleTimeout,
  'no-nat-rule': generally('no-nat-rule'),
  'unknown-dip': generally('unknown-dip'),
  'not-local-address': diagnoseNotLocal,
  'vm-stopped': diagnoseVmStopped,
  'no-listener': diagnoseNoListener,
  'fragment-out-of-order': diagnoseOutOfOrderFragment,
  'reassembly-timeout': diagnoseReassembly('reassembly-timeout'),
  'reassembly-failed': diagnoseReassembly('reassembly-failed'),
  'tcp-out-of-order': generally('tcp-out-of-order'),
  'tcp-bad-ack': generally('tcp-bad-ack'),
  'tcp-no-connection': diagnoseNoConnection,
  'icmp-unhandled': diagnoseIcmpUnhandled,
  'hairpin-same-nic': diagnoseHairpin,
  'martian-source': diagnoseMartian,
  'strong-host-receive': diagnoseStrongHost,
  'strong-host-send': diagnoseStrongHost,
  'asymmetric-nic': diagnoseAsymmetricNic,
  'spoofed-source': generally('spoofed-source'),
  'nsg-denied': diagnoseNsgDenied,
  'guest-firewall': diagnoseGuestFirewall,
  'standard-lb-closed': diagnoseStandardClosed,
  'tw-recycle-paws': diagnoseTwRecycle,
  'snat-ports-exhausted': diagnoseSnatExhausted,
  'no-outbound-connectivity': generally('no-outbound-connectivity'),
  'snat-no-flow': generally('snat-no-flow'),
  'snat-fragment': generally('snat-fragment'),
};

/** The diagnosis of a drop, by its reason. */
export function diagnoseDrop(situation: DropSituation): Finding {
  return dropDiagnoses[situation.drop.reason](situation);
}
