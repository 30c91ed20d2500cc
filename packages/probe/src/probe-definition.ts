/**
 * A health probe as the probe engine runs it (Azure `probes[]`, docs/mechanics.md §2.3).
 */
import { azurePlatformAddress } from '@lbsim/core';
import { defaultFlapDamping, type HealthConfig } from './health-state.ts';

/** The address every IPv4 health probe comes from: 168.63.129.16 (docs/mechanics.md §2.3, [AZ-168]). */
export const probeSourceAddress = azurePlatformAddress;

/** HTTP(S) probes wait at most 30 s for an answer, and never longer than the interval. */
export const httpProbeTimeoutNs = 30_000_000_000;

/** One probe of a load balancer. */
export interface ProbeDefinition {
  /** `loadBalancer/probe`. */
  readonly name: string;
  readonly protocol: 'Tcp' | 'Http' | 'Https';
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
  readonly protocol: 'Tcp' | 'Http' | 'Https';
  readonly port: number;
  readonly requestPath?: string | undefined;
  readonly intervalInSeconds: number;
  readonly probeThreshold?: number | undefined;
  readonly numberOfProbes?: number | undefined;
}

/**
 * Azure's probe settings as a definition: `probeThreshold` (default 1) sets both thresholds;
 * the legacy `numberOfProbes`, used only without it, sets the failures needed to mark down.
 */
export function defineProbe(settings: ProbeSettings): ProbeDefinition {
  const threshold = settings.probeThreshold ?? 1;
  return {
    name: settings.name,
    protocol: settings.protocol,
    port: settings.port,
    requestPath: settings.requestPath ?? '/',
    intervalNs: settings.intervalInSeconds * 1_000_000_000,
    health: {
      http: settings.protocol !== 'Tcp',
      successThreshold: threshold,
      failureThreshold: settings.probeThreshold ?? settings.numberOfProbes ?? 1,
      ...defaultFlapDamping,
    },
  };
}

/**
 * How long one probe waits for its answer: the interval for TCP (a TCP probe fails when the
 * next one is due), min(interval, 30 s) for HTTP(S) (docs/mechanics.md §2.3).
 */
export function probeTimeoutNs(probe: ProbeDefinition): number {
  return probe.protocol === 'Tcp' ? probe.intervalNs : Math.min(probe.intervalNs, httpProbeTimeoutNs);
}
