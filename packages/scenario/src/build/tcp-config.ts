/**
 * TCP parameters of guests and clients from the scenario's OS and `tcp` settings.
 */
import { defaultTcpConfig, type TcpConfig } from '@lbsim/core';

/** A scenario's `tcp` block. */
export interface TcpSettings {
  readonly timestamps?: boolean | undefined;
  readonly synRetries?: number | undefined;
  readonly initialRto?: number | undefined;
  readonly twRecycle?: boolean | undefined;
}

/**
 * The TCP parameters of a guest OS or client.
 * @param mtuBytes the interface MTU: the MSS advertised is MTU − 40 (RFC 9293 §3.7.1)
 */
export function tcpConfigFor(os: 'linux' | 'windows', settings: TcpSettings | undefined, mtuBytes: number): TcpConfig {
  return {
    ...defaultTcpConfig,
    mssBytes: mtuBytes - 40,
    // Linux sends TCP timestamps by default, Windows does not.
    timestamps: settings?.timestamps ?? os === 'linux',
    synRetries: settings?.synRetries ?? defaultTcpConfig.synRetries,
    initialRtoNs: settings?.initialRto ?? defaultTcpConfig.initialRtoNs,
    // Off unless asked for (it was always off by default, and Linux 4.12 removed it).
    twRecycle: settings?.twRecycle ?? false,
    // Windows ACKs and resets a connection its peer closes before either side sent a byte (the
    // TCP health probe's close in Azure's support checklist); Linux answers with its own FIN.
    resetOnIdlePeerClose: os === 'windows',
  };
}
