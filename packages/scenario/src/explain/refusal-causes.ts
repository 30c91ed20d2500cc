/**
 * Diagnoses of `no-listener`: a guest answered a SYN with RST because nothing listened on the
 * port. For a client that is "connection refused", for a probe a DIP marked down; which
 * failure mode it is depends on why nothing listened (docs/mechanics.md §2.1, §2.3, §7.9 items 7, 11):
 *
 * - a second connection of a multi-connection protocol (FTP's passive data connection) hashed
 *   to another server → five-tuple-multi-session;
 * - the rule's backend port never had a listener while the probe checks another port →
 *   not-listening;
 * - the application stopped while a probe of something else stayed green → probe-hides-dead-service;
 * - the probe checks a port the service does not use → probe-wrong-port.
 */
import type { DropSituation, Finding, ProbeContext } from './drop-situation.ts';
import { diagnoseListenerOnFrontend, diagnoseSelectiveProbe } from './floating-ip-causes.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { listenerStoppedAt, listenerStops } from './listener-events.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';
import { atTime, distinct, listWords } from './words.ts';

/** `no-listener` for a probe's SYN or a connection's. */
export function diagnoseNoListener(situation: DropSituation): Finding {
  if (situation.probe !== undefined) return diagnoseProbeRefused(situation.probe, situation.index);
  const { index, traffic, drop } = situation;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  const rule = traffic === undefined ? undefined : index.ruleOfTraffic(traffic);
  const port = drop.dstPort;
  if (item === undefined || rule === undefined || port === undefined) return diagnoseGenerally('no-listener');
  if (item.app === 'ftp' && port !== rule.rule.backendPort) return diagnoseSecondSession(rule, index);
  const stoppedAt = listenerStoppedAt(index.scenario, drop.node, item.protocol, port, drop.atNs);
  if (stoppedAt !== undefined) return diagnoseDeadService(rule, item.protocol, port, index);
  if (!index.declaresListener(drop.node, item.protocol, port)) return diagnoseNotListening(rule, item.protocol, index);
  return diagnoseListenerOnFrontend(rule, drop.node, item.protocol, port, index) ?? diagnoseGenerally('no-listener');
}

/**
 * FTP's data connection reached a server that never opened that port: hashed on its own
 * 5-tuple, or by rules of the frontend that do not all hash the same way (SourceIP on the
 * control port's rule alone still sends the data connection by its 5-tuple).
 */
function diagnoseSecondSession(rule: RuleFacts, index: ScenarioIndex): Finding {
  const siblings = index.scenario.loadBalancers
    .filter((lb) => lb.name === rule.loadBalancer.name)
    .flatMap((lb) => lb.rules.filter((candidate) => candidate.frontend === rule.rule.frontend).map((r) => ({ lb, r })));
  const names = siblings.map(({ lb, r }) => `${lb.name}/${r.name}`);
  const distributions = distinct(siblings.map(({ r }) => r.loadDistribution));
  if (distributions.length === 1 && distributions[0] !== 'Default') return diagnoseGenerally('no-listener');
  const fix = `set loadDistribution: SourceIP (or SourceIPProtocol) on rules ${listWords(names)}, so all of a client's connections reach one server`;
  if (distributions.length > 1) {
    const defaults = siblings
      .filter(({ r }) => r.loadDistribution === 'Default')
      .map(({ lb, r }) => `${lb.name}/${r.name}`);
    const differing =
      defaults.length === 0
        ? `their loadDistribution differs (${listWords(distributions)})`
        : `${listWords(defaults)} still ${defaults.length === 1 ? 'has' : 'have'} loadDistribution: Default`;
    return {
      failureMode: 'five-tuple-multi-session',
      cause:
        `The rules of frontend ${rule.rule.frontend} do not all hash the same way: ${differing}. ` +
        "A download's control and data connections meet different rules, so the data connection is placed independently of its control connection " +
        'and often lands on another server, which never offered that passive port and answers RST: the download fails (docs/mechanics.md §2.1, §7.9 item 11)',
      fix,
    };
  }
  return {
    failureMode: 'five-tuple-multi-session',
    cause:
      "The download's passive data connection is hashed on its own 5-tuple (loadDistribution: Default), independently of its control connection, " +
      'so it often lands on another server, which never offered that passive port and answers RST: the download fails (docs/mechanics.md §2.1, §7.9 item 11)',
    fix,
  };
}

/** The rule's backend port has no listener on its backends. */
function diagnoseNotListening(rule: RuleFacts, protocol: 'Tcp' | 'Udp', index: ScenarioIndex): Finding {
  const backendPort = rule.rule.backendPort;
  const deaf = rule.members.filter((member) => !index.declaresListener(member.vm.name, protocol, backendPort));
  const vms = distinct(deaf.map((member) => member.vm.name));
  const ports = distinct(deaf.flatMap((member) => member.vm.listeners.map((listener) => listener.port)));
  const listensOn = ports.length === 0 ? 'nothing' : `port ${listWords(ports.map(String))} only`;
  const probe = rule.probe;
  const probeGreen =
    probe !== undefined && probe.port !== backendPort && ports.includes(probe.port)
      ? `; probe ${rule.probeName} checks port ${probe.port}, which answers, so the DIPs stay up and in rotation`
      : '';
  const alternative = ports.length === 1 ? `, or set backendPort: ${ports[0]} on rule ${rule.name}` : '';
  const reprobe =
    probe !== undefined && probe.port !== backendPort
      ? `; and probe the port that serves: port: ${backendPort} on probe ${rule.probeName}`
      : '';
  return {
    failureMode: 'not-listening',
    cause: `Rule ${rule.name} sends frontend port ${rule.rule.frontendPort} to backend port ${backendPort}, but ${listWords(vms)} listen${vms.length === 1 ? 's' : ''} on ${listensOn}: the guest answers each SYN with RST${probeGreen}`,
    fix: `make the application on ${listWords(vms)} listen on ${protocol} port ${backendPort} (listeners)${alternative}${reprobe}`,
  };
}

/** The service stopped on a backend while the rule's probe (of something else) stayed green. */
function diagnoseDeadService(rule: RuleFacts, protocol: 'Tcp' | 'Udp', port: number, index: ScenarioIndex): Finding {
  const members = rule.members.map((member) => member.vm.name);
  const stops = listenerStops(index.scenario, members, protocol, port);
  const stopped = `${listWords(distinct(stops.map((stop) => stop.vm)))} stopped listening on ${protocol} port ${port} at ${listWords(distinct(stops.map((stop) => atTime(stop.atNs))))} (stop-listener)`;
  const probe = rule.probe;
  if (probe !== undefined && probe.port === port) {
    return {
      failureMode: undefined,
      cause: `The application on ${stopped}; connections that reached it before probe ${rule.probeName} noticed were refused`,
      fix: 'start it again (start-listener); the probe takes a dead DIP out of rotation within intervalInSeconds × probeThreshold',
    };
  }
  const checks =
    probe === undefined
      ? `rule ${rule.name} has no health probe, so nothing takes the DIP out of rotation`
      : `probe ${rule.probeName} checks ${probe.protocol} port ${probe.port}, which still answers, so the DIP stays up`;
  return {
    failureMode: 'probe-hides-dead-service',
    cause: `The application on ${stopped}, but ${checks}: it keeps getting new connections, and its guest refuses them (a probe checks only what it connects to, docs/mechanics.md §7.9 item 7)`,
    fix:
      probe === undefined
        ? `add a probe of the service (e.g. protocol: Http, port: ${port}, requestPath: /) to rule ${rule.name}`
        : `probe the service itself: set probe ${rule.probeName} to protocol: Http, port: ${port}, requestPath: / (or Tcp on port ${port}), so a dead service is probed down and new connections go to the others`,
  };
}

/**
 * A probe's SYN answered with RST: a failed probe, and probeThreshold of them in a row mark the
 * DIP down, for every protocol (docs/mechanics.md §2.3).
 */
export function diagnoseProbeRefused(probe: ProbeContext, index: ScenarioIndex): Finding {
  const rules = index.rulesProbedBy(probe.name);
  const members = distinct(rules.flatMap((rule) => rule.members.map((member) => member.vm.name)));
  if (listenerStoppedAt(index.scenario, probe.vm, 'Tcp', probe.port, probe.atNs) !== undefined) {
    const stops = listenerStops(index.scenario, members, 'Tcp', probe.port);
    const stopped = `stopped listening on ${listWords(distinct(stops.map((stop) => stop.vm)))} at ${listWords(distinct(stops.map((stop) => atTime(stop.atNs))))} (stop-listener)`;
    const service = rules.find((rule) => rule.rule.backendPort === probe.port);
    if (service !== undefined) {
      return {
        failureMode: undefined,
        cause: `The service probe ${probe.name} checks, TCP port ${probe.port} (rule ${service.name}), ${stopped}: the guest answers the probe's SYN with RST and the probe rightly takes the DIP out of rotation`,
        fix: 'start the service again (start-listener); meanwhile new connections go to the DIPs still up',
      };
    }
    return {
      failureMode: undefined,
      cause: `What probe ${probe.name} checks, TCP port ${probe.port} (not a port the rules send to), ${stopped}: the guest answers the probe's SYN with RST and the DIP is marked down, whether the service itself works or not`,
      fix: `start what the probe checks again (start-listener), or repair what stopped it; better, probe the service itself (its backend port), so the verdict is about the service`,
    };
  }
  const deaf = members.filter((vm) => !index.declaresListener(vm, 'Tcp', probe.port));
  if (deaf.length === 0) return diagnoseGenerally('no-listener');
  const selective = diagnoseSelectiveProbe(probe, index);
  if (selective !== undefined) return selective;
  const served = rules.find(
    (rule) =>
      rule.rule.backendPort !== probe.port &&
      rule.rule.backendPort !== 0 &&
      deaf.every((vm) =>
        index.declaresListener(vm, rule.rule.protocol === 'Udp' ? 'Udp' : 'Tcp', rule.rule.backendPort),
      ),
  );
  if (served === undefined) {
    return {
      failureMode: undefined,
      cause: `Nothing listens on TCP port ${probe.port} on ${listWords(deaf)}, the port probe ${probe.name} checks: the guest answers with RST, and the probe rightly marks the DIP down`,
      fix: `make the application listen on port ${probe.port} (listeners)`,
    };
  }
  return {
    failureMode: 'probe-wrong-port',
    cause: `Probe ${probe.name} checks TCP port ${probe.port}, where nothing listens on ${listWords(deaf)}, while the service listens on port ${served.rule.backendPort} (rule ${served.name}): the guest answers the probe's SYN with RST, and an RST marks the DIP down (docs/mechanics.md §2.3)`,
    fix: `set port: ${served.rule.backendPort} on probe ${probe.name}, the port the service listens on`,
  };
}
