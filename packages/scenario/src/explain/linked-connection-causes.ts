/**
 * Protocols whose connections are linked: a Remote Desktop Gateway session's in channel must
 * reach the server that holds its out channel. Under 5-tuple distribution the two are hashed
 * independently, and the server that gets an in channel it cannot join resets it
 * (docs/mechanics.md §2.1: Azure names RD Gateway among the uses of Client IP affinity).
 */
import type { ConnectionSummary } from '../base/run-result.ts';
import type { Finding } from './drop-situation.ts';
import type { ScenarioIndex } from './scenario-index.ts';

/** A reset RD Gateway session under `Default` distribution → five-tuple-multi-session; else `undefined`. */
export function diagnoseLinkedChannels(connection: ConnectionSummary, index: ScenarioIndex): Finding | undefined {
  const item = index.scenario.traffic[connection.traffic];
  const rule = index.ruleOfTraffic(connection.traffic);
  if (item?.app !== 'rd-gateway' || rule === undefined || connection.outcome !== 'reset') return undefined;
  if (rule.rule.loadDistribution !== 'Default') return undefined;
  return {
    failureMode: 'five-tuple-multi-session',
    cause:
      "An RD Gateway session's out and in channels are two connections to the same port that the gateway must join, but rule " +
      `${rule.name} hashes each connection's 5-tuple on its own (loadDistribution: Default): the in channel reached a server that does not hold the out channel, which reset it (docs/mechanics.md §2.1)`,
    fix: `set loadDistribution: SourceIP (Client IP) on rule ${rule.name}, so both channels of a client reach one server`,
  };
}
