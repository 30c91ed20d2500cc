/**
 * A client's UDP request: send one datagram from a fresh ephemeral port and wait for any reply
 * to it, up to a timeout. UDP has no handshake, so "lost" is all a client can know.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { Endpoint } from './endpoint.ts';
import type { ExchangeResult } from './exchange-outcome.ts';

/** Parameters of {@link startUdpExchange}. */
export interface UdpExchangeOptions {
  readonly endpoint: Endpoint;
  readonly localAddress: Ipv4Address;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  readonly connectionId: number;
  /** Datagram payload length in bytes. */
  readonly payloadBytes: number;
  /** How long to wait for a reply, ns. */
  readonly timeoutNs: number;
  readonly onResult: (result: ExchangeResult) => void;
}

/** Starts a UDP exchange now; returns a function giving the result so far. */
export function startUdpExchange(options: UdpExchangeOptions): () => ExchangeResult {
  const { endpoint } = options;
  const kernel = endpoint.kernel;
  const localPort = endpoint.allocateEphemeralPort();
  let final: ExchangeResult | undefined;
  const finish = (outcome: 'answered' | 'lost' | 'no-port'): void => {
    if (final !== undefined) return;
    final = { outcome, endedAtNs: kernel.nowNs, establishedAtNs: undefined, httpStatus: undefined, localPort };
    if (localPort !== undefined) endpoint.unbindUdp(localPort, options.localAddress);
    options.onResult(final);
  };
  if (localPort === undefined) {
    finish('no-port');
    return () => final as ExchangeResult;
  }
  endpoint.bindUdp(localPort, options.localAddress, {
    onDatagram: () => finish('answered'),
    onIcmpError: () => finish('lost'),
  });
  endpoint.sendUdp({
    localAddress: options.localAddress,
    localPort,
    remoteAddress: options.remoteAddress,
    remotePort: options.remotePort,
    payloadLength: options.payloadBytes,
    connectionId: options.connectionId,
  });
  kernel.after(options.timeoutNs, () => finish('lost'));
  return () =>
    final ?? {
      outcome: 'pending',
      endedAtNs: kernel.nowNs,
      establishedAtNs: undefined,
      httpStatus: undefined,
      localPort,
    };
}
