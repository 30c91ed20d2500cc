// Stays one file past 400 lines: the draft types, the arbitrary that fills them and documentOf that writes them out as a scenario change together.
/**
 * fast-check arbitraries for whole scenarios: small topologies (hosts with backend VMs,
 * Internet clients, client VMs), load balancers in Azure's vocabulary (public or internal, one
 * frontend, one backend pool, load-balancing rules with every `loadDistribution` and floating
 * IP) and traffic to every rule. For property tests in lbsim and in users' suites
 * (`import { arbitraryScenario } from '@lbsim/scenario/testing'`).
 *
 * Every generated scenario is valid (it loads without errors) and correctly configured, so a
 * property can expect connections to succeed — except where `missingListeners` leaves a
 * listener out on purpose (those connections are refused, or get no UDP answer). Floating-IP
 * backends carry the frontend IP on loopback, as Azure requires (docs/mechanics.md §2.4).
 *
 * Addresses come from disjoint ranges so they never clash: backend NICs 10.0.0.0/9, internal
 * frontends 10.128.0.0/9, client VMs 172.16.0.0/12, Internet clients 198.18.0.0/15, public
 * frontends 52.0.0.0/8. A counterexample prints as the YAML file it is: save it and
 * `lbsim run` it.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseScenarioText } from '../load-scenario.ts';
import type { Scenario, ScenarioInput } from '../schema/scenario.ts';

type LoadDistributionName = 'Default' | 'SourceIPProtocol' | 'SourceIP';
type BackendSelectionName = 'maglev' | 'modulo' | 'rendezvous';

/** Options of {@link arbitraryScenario}; every field is optional. */
export interface ScenarioConstraints {
  /** Most hosts with backend VMs (default 3; at least 1). */
  readonly maxHosts?: number;
  /** Most backend VMs per host (default 2; at least 1). */
  readonly maxVmsPerHost?: number;
  /** Most load balancers (default 2; at least 1). */
  readonly maxLoadBalancers?: number;
  /** Most load-balancing rules per load balancer (default 3; at least 1). */
  readonly maxRules?: number;
  /** Most connections per traffic item (default 6; at least 1). */
  readonly maxConnections?: number;
  /** Most Muxes (default 4; at least 1). */
  readonly maxMuxes?: number;
  /** Load balancer types to draw from (default both). Public ones are reached by Internet clients, internal ones by client VMs. */
  readonly types?: readonly ('public' | 'internal')[];
  /** Rule protocols to draw from (default Tcp and Udp). */
  readonly protocols?: readonly ('Tcp' | 'Udp')[];
  /** `loadDistribution`s to draw from (default all three). */
  readonly distributions?: readonly LoadDistributionName[];
  /** Whether rules may enable floating IP (default true). */
  readonly floatingIp?: boolean;
  /** Whether a backend may lack a rule's listener, so some connections are refused (default true). */
  readonly missingListeners?: boolean;
  /** Whether pool members may have weights other than 1 (default true). */
  readonly weights?: boolean;
  /** Backend-selection algorithms to draw from (default all three). */
  readonly backendSelections?: readonly BackendSelectionName[];
  /** Maglev table sizes (primes) to draw from (default 251 and 1009: small, so runs are quick). */
  readonly maglevTableSizes?: readonly number[];
  /**
   * Whether one Mux may fail during the run (default false), between 0.5 s and 3 s, while TCP
   * connections are open (each makes two requests 2 s apart). The router withdraws it after a
   * 1 s BGP hold time; its flows rehash to the other Muxes, with no DIP-list change.
   */
  readonly muxFailure?: boolean;
  /**
   * Whether one backend pool may change during the run (default false): a member added,
   * removed, drained or reweighted between 1.5 s and 3 s, while TCP connections are open (each
   * makes two requests 2 s apart). Never in the same scenario as a Mux failure: the two
   * together misdirect flows by design (scenarios/mux-failure).
   */
  readonly poolChanges?: boolean;
}

/** A generated scenario: the document (as a file would say it) and the validated scenario. */
export interface GeneratedScenario {
  /** The scenario as written: `yaml.stringify(document)` is a file `lbsim run` accepts. */
  readonly document: ScenarioInput;
  /** The loaded scenario, ready for `runScenario`. */
  readonly scenario: Scenario;
}

interface RuleDraft {
  readonly protocol: 'Tcp' | 'Udp';
  readonly frontendPort: number;
  readonly distribution: LoadDistributionName;
  readonly floatingIp: boolean;
  /** Index of the client (Internet client or client VM, by the load balancer's type). */
  readonly client: number;
  readonly connections: number;
  readonly every: string;
  readonly startAt: string;
}

interface LoadBalancerDraft {
  readonly type: 'public' | 'internal';
  readonly members: readonly { readonly vm: number; readonly weight: number }[];
  readonly rules: readonly RuleDraft[];
}

interface ScenarioDraft {
  readonly seed: number;
  readonly muxes: number;
  readonly backendSelection: BackendSelectionName;
  readonly maglevTableSize: number;
  readonly vmsPerHost: readonly number[];
  readonly dips: readonly number[];
  readonly internetClients: readonly number[];
  readonly clientVms: readonly number[];
  readonly publicFrontends: readonly number[];
  readonly internalFrontends: readonly number[];
  readonly loadBalancers: readonly LoadBalancerDraft[];
  /** Which backend listener (an index, modulo their number) is left out, if any. */
  readonly missingListener: number | undefined;
  /** When mux-1 fails, ms, if it does. */
  readonly muxFailureAtMs: number | undefined;
  readonly poolChange: PoolChangeDraft | undefined;
}

interface PoolChangeDraft {
  /** Which load balancer's pool (modulo their number). */
  readonly loadBalancer: number;
  readonly action: 'add-backend' | 'remove-backend' | 'drain-backend' | 'set-backend-weight';
  /** Which VM (modulo the candidates: non-members to add, members otherwise). */
  readonly vm: number;
  readonly atMs: number;
}

/** Virtual time every generated scenario lasts: room for SYN retransmissions to give up (15 s). */
const duration = '30s';

function dotted(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** `count` unique addresses in the block of `size` addresses at `base`, ends excluded. */
function addresses(base: number, size: number, count: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: base + 1, max: base + size - 2 }), { minLength: count, maxLength: count });
}

/**
 * Any small, valid, correctly configured scenario (see the file comment); shrinks toward
 * fewer hosts, load balancers, rules and connections.
 * @throws Error when a maximum is below 1 or a list of choices is empty
 */
export function arbitraryScenario(constraints: ScenarioConstraints = {}): fc.Arbitrary<GeneratedScenario> {
  const atLeastOne = (value: number | undefined, fallback: number, name: string) => {
    const result = value ?? fallback;
    if (!Number.isInteger(result) || result < 1) throw new Error(`arbitraryScenario: ${name} must be at least 1`);
    return result;
  };
  const nonEmpty = <T>(values: readonly T[] | undefined, fallback: readonly T[], name: string): readonly T[] => {
    const result = values ?? fallback;
    if (result.length === 0) throw new Error(`arbitraryScenario: ${name} must not be empty`);
    return result;
  };
  const maxHosts = atLeastOne(constraints.maxHosts, 3, 'maxHosts');
  const maxVmsPerHost = atLeastOne(constraints.maxVmsPerHost, 2, 'maxVmsPerHost');
  const maxLoadBalancers = atLeastOne(constraints.maxLoadBalancers, 2, 'maxLoadBalancers');
  const maxRules = atLeastOne(constraints.maxRules, 3, 'maxRules');
  const maxConnections = atLeastOne(constraints.maxConnections, 6, 'maxConnections');
  const maxMuxes = atLeastOne(constraints.maxMuxes, 4, 'maxMuxes');
  const types = nonEmpty<'public' | 'internal'>(constraints.types, ['public', 'internal'], 'types');
  const protocols = nonEmpty<'Tcp' | 'Udp'>(constraints.protocols, ['Tcp', 'Udp'], 'protocols');
  const distributions = nonEmpty<LoadDistributionName>(
    constraints.distributions,
    ['Default', 'SourceIPProtocol', 'SourceIP'],
    'distributions',
  );
  const selections = nonEmpty<BackendSelectionName>(
    constraints.backendSelections,
    ['maglev', 'modulo', 'rendezvous'],
    'backendSelections',
  );
  const tableSizes = nonEmpty(constraints.maglevTableSizes, [251, 1009], 'maglevTableSizes');

  const rule = (clients: number): fc.Arbitrary<RuleDraft> =>
    fc.record({
      protocol: fc.constantFrom(...protocols),
      frontendPort: fc.oneof(fc.constantFrom(80, 53, 443, 8080), fc.integer({ min: 1, max: 65535 })),
      distribution: fc.constantFrom(...distributions),
      floatingIp: constraints.floatingIp === false ? fc.constant(false) : fc.boolean(),
      client: fc.integer({ min: 0, max: clients - 1 }),
      connections: fc.integer({ min: 1, max: maxConnections }),
      every: fc.constantFrom('20ms', '50ms', '100ms', '250ms'),
      startAt: fc.constantFrom('100ms', '500ms', '1s'),
    });
  const loadBalancer = (vmCount: number, clients: { readonly public: number; readonly internal: number }) =>
    fc.constantFrom(...types).chain((type) =>
      fc.record({
        type: fc.constant(type),
        members: fc.uniqueArray(
          fc.record({
            vm: fc.integer({ min: 0, max: vmCount - 1 }),
            weight: constraints.weights === false ? fc.constant(1) : fc.oneof(fc.constant(1), fc.constantFrom(2, 3)),
          }),
          { minLength: 1, maxLength: vmCount, selector: (member) => member.vm },
        ),
        rules: fc.uniqueArray(rule(clients[type]), {
          minLength: 1,
          maxLength: maxRules,
          selector: (r) => `${r.protocol}|${r.frontendPort}`,
        }),
      }),
    );

  const draft: fc.Arbitrary<ScenarioDraft> = fc
    .record({
      vmsPerHost: fc.array(fc.integer({ min: 1, max: maxVmsPerHost }), { minLength: 1, maxLength: maxHosts }),
      internetClients: fc.integer({ min: 1, max: 2 }),
      clientVms: fc.integer({ min: 1, max: 2 }),
      loadBalancers: fc.integer({ min: 1, max: maxLoadBalancers }),
    })
    .chain((shape) => {
      const vmCount = shape.vmsPerHost.reduce((sum, n) => sum + n, 0);
      const clients = { public: shape.internetClients, internal: shape.clientVms };
      return fc.record({
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        muxes: fc.integer({ min: 1, max: maxMuxes }),
        backendSelection: fc.constantFrom(...selections),
        maglevTableSize: fc.constantFrom(...tableSizes),
        vmsPerHost: fc.constant(shape.vmsPerHost),
        dips: addresses(0x0a000000, 1 << 23, vmCount),
        internetClients: addresses(0xc6120000, 1 << 17, shape.internetClients),
        clientVms: addresses(0xac100000, 1 << 20, shape.clientVms),
        publicFrontends: addresses(0x34000000, 1 << 24, shape.loadBalancers),
        internalFrontends: addresses(0x0a800000, 1 << 23, shape.loadBalancers),
        loadBalancers: fc.array(loadBalancer(vmCount, clients), {
          minLength: shape.loadBalancers,
          maxLength: shape.loadBalancers,
        }),
        missingListener:
          constraints.missingListeners === false
            ? fc.constant(undefined)
            : fc.option(fc.nat(), { nil: undefined, freq: 4 }),
        muxFailureAtMs:
          constraints.muxFailure === true
            ? fc.option(fc.integer({ min: 500, max: 3000 }), { nil: undefined, freq: 4 })
            : fc.constant(undefined),
        poolChange:
          constraints.poolChanges === true
            ? fc.option(
                fc.record({
                  loadBalancer: fc.nat(),
                  action: fc.constantFrom(
                    'add-backend' as const,
                    'remove-backend' as const,
                    'drain-backend' as const,
                    'set-backend-weight' as const,
                  ),
                  vm: fc.nat(),
                  atMs: fc.integer({ min: 1500, max: 3000 }),
                }),
                { nil: undefined, freq: 4 },
              )
            : fc.constant(undefined),
      });
    });
  return draft.map(generatedScenarioOf);
}

/** The document of a draft, loaded; a draft that does not load is a bug of this file. */
function generatedScenarioOf(draft: ScenarioDraft): GeneratedScenario {
  const document = documentOf(draft);
  const text = stringify(document);
  const loaded = parseScenarioText(text, 'generated.yaml');
  if (!loaded.ok) {
    const problems = loaded.errors.map((error) => `${error.path}  ${error.message}`).join('\n');
    throw new Error(`arbitraryScenario made a scenario that does not load (a bug):\n${problems}\n${text}`);
  }
  const generated = { document, scenario: loaded.scenario, [fc.toStringMethod]: () => `\n${text}` };
  return generated;
}

/** The pool-change event of a draft, resolved to a load balancer and a VM, if there is one. */
function resolvePoolChange(
  draft: ScenarioDraft,
  vmCount: number,
):
  | {
      readonly loadBalancer: number;
      readonly action: PoolChangeDraft['action'];
      readonly vm: number;
      readonly atMs: number;
    }
  | undefined {
  const change = draft.poolChange;
  if (change === undefined || draft.muxFailureAtMs !== undefined) return undefined;
  const loadBalancer = change.loadBalancer % draft.loadBalancers.length;
  const members = (draft.loadBalancers[loadBalancer] as LoadBalancerDraft).members.map((m) => m.vm);
  const outsiders = Array.from({ length: vmCount }, (_, vm) => vm).filter((vm) => !members.includes(vm));
  const action = change.action === 'add-backend' && outsiders.length === 0 ? 'remove-backend' : change.action;
  const candidates = action === 'add-backend' ? outsiders : members;
  return { loadBalancer, action, vm: candidates[change.vm % candidates.length] as number, atMs: change.atMs };
}

function documentOf(draft: ScenarioDraft): ScenarioInput {
  const vmNames: string[] = [];
  const hosts = draft.vmsPerHost.map((count, h) => ({
    name: `host-${h + 1}`,
    vms: Array.from({ length: count }, () => {
      const index = vmNames.length;
      const name = `vm-${index + 1}`;
      vmNames.push(name);
      return { name, index };
    }),
  }));
  const poolChange = resolvePoolChange(draft, vmNames.length);
  const muxFailure = draft.muxFailureAtMs !== undefined && draft.muxes >= 2;
  // Connections stay open across the event, so it meets established flows.
  const longLived = poolChange !== undefined || muxFailure;
  const listeners = vmNames.map(() => new Map<string, { protocol: 'Tcp' | 'Udp'; port: number }>());
  const loopbacks = vmNames.map(() => new Set<string>());
  let nextBackendPort = 20000;
  const traffic: NonNullable<ScenarioInput['traffic']> = [];
  const loadBalancers = draft.loadBalancers.map((lb, i) => {
    const frontendIp = dotted((lb.type === 'public' ? draft.publicFrontends : draft.internalFrontends)[i] as number);
    const rules = lb.rules.map((rule, r) => {
      // Without floating IP each rule needs its own backend port (docs/mechanics.md §2.11); one
      // port per rule across load balancers also keeps every VM's NAT replies unambiguous.
      const backendPort = rule.floatingIp ? rule.frontendPort : nextBackendPort++;
      // A VM the pool change adds is configured like a member from the start.
      const joining = poolChange?.loadBalancer === i && poolChange.action === 'add-backend' ? [poolChange.vm] : [];
      for (const vm of [...lb.members.map((member) => member.vm), ...joining]) {
        listeners[vm]?.set(`${rule.protocol}|${backendPort}`, { protocol: rule.protocol, port: backendPort });
        if (rule.floatingIp) loopbacks[vm]?.add(frontendIp);
      }
      const name = `r${r + 1}-${rule.protocol.toLowerCase()}-${rule.frontendPort}`;
      traffic.push({
        name: `lb-${i + 1}-${name}`,
        from: lb.type === 'public' ? `client-${rule.client + 1}` : `client-vm-${rule.client + 1}`,
        to: `${frontendIp}:${rule.frontendPort}`,
        protocol: rule.protocol,
        connections: rule.connections,
        every: rule.every,
        startAt: rule.startAt,
        ...(longLived && rule.protocol === 'Tcp' ? { requests: 2, idleBetween: '2s' } : {}),
      });
      return {
        name,
        frontend: 'fe',
        backendPool: 'pool',
        protocol: rule.protocol,
        frontendPort: rule.frontendPort,
        backendPort,
        loadDistribution: rule.distribution,
        enableFloatingIP: rule.floatingIp,
      };
    });
    return {
      name: `lb-${i + 1}`,
      type: lb.type,
      frontends: [{ name: 'fe', ip: frontendIp }],
      backendPools: [
        {
          name: 'pool',
          members: lb.members.map((m) =>
            m.weight === 1 ? (vmNames[m.vm] as string) : { name: vmNames[m.vm] as string, weight: m.weight },
          ),
        },
      ],
      rules,
    };
  });

  const allListeners = listeners.flatMap((byKey, vm) => [...byKey.keys()].map((key) => `${vm}|${key}`));
  const missing =
    draft.missingListener === undefined ? undefined : allListeners[draft.missingListener % allListeners.length];
  const documentHosts: NonNullable<ScenarioInput['hosts']> = hosts.map((host) => ({
    name: host.name,
    vms: host.vms.map(({ name, index }) => ({
      name,
      nics: [{ ip: dotted(draft.dips[index] as number), networkSecurityGroup: 'backends' }],
      ...(loopbacks[index]?.size ? { loopbacks: [...(loopbacks[index] ?? [])] } : {}),
      listeners: [...(listeners[index] ?? new Map()).entries()]
        .filter(([key]) => `${index}|${key}` !== missing)
        .map(([, listener]) => listener),
    })),
  }));
  if (draft.loadBalancers.some((lb) => lb.type === 'internal')) {
    documentHosts.push({
      name: 'client-host',
      vms: draft.clientVms.map((address, i) => ({ name: `client-vm-${i + 1}`, nics: [{ ip: dotted(address) }] })),
    });
  }
  return {
    name: 'generated',
    description: 'generated by arbitraryScenario (@lbsim/scenario/testing)',
    seed: draft.seed,
    duration,
    network: {
      muxes: draft.muxes,
      backendSelection: draft.backendSelection,
      ...(draft.backendSelection === 'maglev' ? { maglevTableSize: draft.maglevTableSize } : {}),
      ...(muxFailure ? { bgpHoldTime: '1s' } : {}),
    },
    hosts: documentHosts,
    // A Standard public load balancer is closed until an NSG opens it (docs/mechanics.md §2.12);
    // generated properties are about the load balancer, so the backends admit everything.
    networkSecurityGroups: [
      {
        name: 'backends',
        securityRules: [{ name: 'allow-all', priority: 100, direction: 'Inbound', access: 'Allow', protocol: '*' }],
      },
    ],
    ...(draft.loadBalancers.some((lb) => lb.type === 'public')
      ? { clients: draft.internetClients.map((address, i) => ({ name: `client-${i + 1}`, ip: dotted(address) })) }
      : {}),
    loadBalancers,
    traffic,
    ...(muxFailure ? { events: [{ action: 'fail-mux' as const, at: `${draft.muxFailureAtMs}ms`, mux: 'mux-1' }] } : {}),
    ...(poolChange === undefined ? {} : { events: [poolChangeEvent(poolChange, vmNames)] }),
  };
}

function poolChangeEvent(
  change: NonNullable<ReturnType<typeof resolvePoolChange>>,
  vmNames: readonly string[],
): NonNullable<ScenarioInput['events']>[number] {
  const common = {
    at: `${change.atMs}ms`,
    loadBalancer: `lb-${change.loadBalancer + 1}`,
    backendPool: 'pool',
    member: vmNames[change.vm] as string,
  };
  return change.action === 'set-backend-weight'
    ? { action: change.action, ...common, weight: 2 }
    : { action: change.action, ...common };
}
