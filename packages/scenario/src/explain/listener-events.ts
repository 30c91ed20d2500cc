/**
 * What the scenario's events did to listeners and VMs by a given time: a refusal or a probe's
 * RST means something different when the application was stopped by an event than when it
 * never listened at all.
 */
import type { Scenario } from '../schema/scenario.ts';

/** A listener or VM stopped by an event. */
export interface StopEvent {
  readonly vm: string;
  /** ns. */
  readonly atNs: number;
}

/**
 * When `vm` stopped listening for `protocol` on `port` by a `stop-listener` event at or before
 * `atNs`, with no `start-listener` for it since; `undefined` when it did not.
 */
export function listenerStoppedAt(
  scenario: Scenario,
  vm: string,
  protocol: 'Tcp' | 'Udp',
  port: number,
  atNs: number,
): number | undefined {
  let stoppedAt: number | undefined;
  for (const event of [...scenario.events].sort((a, b) => a.at - b.at)) {
    if (event.at > atNs) break;
    if (event.action !== 'stop-listener' && event.action !== 'start-listener') continue;
    if (event.vm !== vm || event.protocol !== protocol || event.port !== port) continue;
    stoppedAt = event.action === 'stop-listener' ? event.at : undefined;
  }
  return stoppedAt;
}

/** Every `stop-listener` event for `protocol` on `port` among `vms`, in time order. */
export function listenerStops(
  scenario: Scenario,
  vms: readonly string[],
  protocol: 'Tcp' | 'Udp',
  port: number,
): StopEvent[] {
  return scenario.events
    .flatMap((event) =>
      event.action === 'stop-listener' && vms.includes(event.vm) && event.protocol === protocol && event.port === port
        ? [{ vm: event.vm, atNs: event.at }]
        : [],
    )
    .sort((a, b) => a.atNs - b.atNs);
}

/** When `vm` was stopped by a `stop-vm` event at or before `atNs` and not started since. */
export function vmStoppedAt(scenario: Scenario, vm: string, atNs: number): number | undefined {
  let stoppedAt: number | undefined;
  for (const event of [...scenario.events].sort((a, b) => a.at - b.at)) {
    if (event.at > atNs) break;
    if ((event.action === 'stop-vm' || event.action === 'start-vm') && event.vm === vm) {
      stoppedAt = event.action === 'stop-vm' ? event.at : undefined;
    }
  }
  return stoppedAt;
}
