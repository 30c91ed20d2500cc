/**
 * A health probe as the probe engine runs it (Azure `probes[]`, docs/mechanics.md §2.3).
 */
import { azurePlatformAddress } from '@lbsim/core';
import { defaultFlapDamping, type HealthConfig } from './health-state.ts';

/** The address every IPv4 health probe comes from: 168.63.129.16 (docs/mechanics.md §2.3, [AZ-168]). */
export const probeSourceAddress = azurePlatformAddress;

/**
 * HTTP(S) probes wait at most 30 s for an answer, and never longer than the interval: the
 * effective timeout is min(interval, 30 s) (docs/mechanics.md §2.3; the 2016–2018 pages said 31 s).
 */
export const httpProbeTimeoutNs = 30_000_000_000;

/** Azure's default `intervalInSeconds` when a template leaves it out: 15 (ARM/REST reference). */
export const defaultProbeIntervalSeconds = 15;

/**
 * How a probe asks: a TCP handshake, an HTTP(S) GET, or the guest agent of a Cloud Services
 * (classic) role instance, which answers 200 only while the instance is Ready
 * (docs/mechanics.md §2.3).
 */
export type ProbeProtocol = 'Tcp' | 'Http' | 'Https' | 'GuestAgent';

/**
 * The state a Cloud Services (classic) role instance reports through its guest agent: only a
 * Ready instance passes a guest agent probe (docs/mechanics.md §2.3).
 */
export type RoleInstanceState = 'Ready' | 'Busy' | 'Recycling' | 'Stopping';

/** One probe of a load balancer. */
export interface ProbeDefinition {
  /** `loadBalancer/probe`. */
  readonly name: string;
  readonly protocol: ProbeProtocol;
  readonly port: number;
  /** Path of HTTP(S) GETs. */
  readonly requestPath: string;
  /** Time between probes, ns (Azure `intervalInSeconds`). */
  readonly intervalNs: number;
  readonly health: HealthConfig;
}

/** Options to build a {@link ProbeDefinition} from Azure's settings. */
export interface ProbeSettings {
  readonly name: string;
  readonly protocol: ProbeProtocol;
  readonly port: number;
  readonly requestPath?: string | undefined;
  readonly intervalInSeconds: number;
  readonly probeThreshold?: number | undefined;
  readonly numberOfProbes?: number | undefined;
}

/**
 * Azure's probe settings as a definition. `probeThreshold` (default 1) is the number of
 * consecutive failures that take a DIP out and of consecutive successes that put it back (ARM/REST
 * reference). The legacy `numberOfProbes`, used only without `probeThreshold`, is the count the
 * 2016 documentation calls SuccessFailCount (timeout ÷ interval): the same count of probes
 * without an answer takes a DIP out and of answers puts it back (docs/mechanics.md §2.3).
 */
export function defineProbe(settings: ProbeSettings): ProbeDefinition {
  const threshold = settings.probeThreshold ?? settings.numberOfProbes ?? 1;
  return {
    name: settings.name,
    protocol: settings.protocol,
    port: settings.port,
    requestPath: settings.requestPath ?? '/',
    intervalNs: settings.intervalInSeconds * 1_000_000_000,
    health: {
      successThreshold: threshold,
      failureThreshold: threshold,
      ...defaultFlapDamping,
    },
  };
}

/**
 * How long one probe waits for its answer, ns: the interval for TCP (a TCP probe has no timeout
 * of its own and fails when the next one is due), min(interval, 30 s) for HTTP(S)
 * (docs/mechanics.md §2.3).
 */
export function probeTimeoutNs(probe: ProbeDefinition): number {
  return probe.protocol === 'Http' || probe.protocol === 'Https'
    ? Math.min(probe.intervalNs, httpProbeTimeoutNs)
    : probe.intervalNs;
}
