/**
 * A Remote Desktop Gateway client session over HTTP transport (rd-gateway-server.ts): open the
 * out channel, ask for it, then open the in channel to the same address and port and ask for
 * it with the same session id; the session works when both are answered, and both close then.
 * Both connections carry the same simulation connection id, so the summary shows when they
 * reached two DIPs (docs/mechanics.md §2.1).
 */
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import type { Endpoint } from './endpoint.ts';
import { closeOutcomes, type ExchangeOutcome, type ExchangeResult } from './exchange-outcome.ts';
import { LineReader } from './line-reader.ts';
import { rdGatewayInRequest, rdGatewayOutRequest } from './rd-gateway-server.ts';
import type { TcpConnection } from './tcp-connection.ts';

/** Parameters of {@link startRdGatewayExchange}. */
export interface RdGatewayExchangeOptions {
  readonly endpoint: Endpoint;
  readonly localAddress: Ipv4Address;
  readonly remoteAddress: Ipv4Address;
  /** The gateway's port (443). */
  readonly remotePort: number;
  readonly connectionId: number;
  readonly onResult: (result: ExchangeResult) => void;
}

/** Starts a session now; returns a function giving the result so far. */
export function startRdGatewayExchange(options: RdGatewayExchangeOptions): () => ExchangeResult {
  const { endpoint } = options;
  const kernel = endpoint.kernel;
  const session = `${formatIpv4Address(options.localAddress)}#${options.connectionId}`;
  let final: ExchangeResult | undefined;
  let establishedAtNs: number | undefined;
  let outChannel: TcpConnection | undefined;
  let inChannel: TcpConnection | undefined;

  const finish = (outcome: ExchangeOutcome): void => {
    if (final !== undefined) return;
    final = {
      outcome,
      endedAtNs: kernel.nowNs,
      establishedAtNs,
      httpStatus: undefined,
      localPort: outChannel?.localPort,
    };
    options.onResult(final);
    outChannel?.close();
    inChannel?.close();
  };
  const open = (request: string, onAnswered: () => void): TcpConnection | undefined => {
    const lines = new LineReader();
    const connection = endpoint.connect({
      localAddress: options.localAddress,
      remoteAddress: options.remoteAddress,
      remotePort: options.remotePort,
      connectionId: options.connectionId,
      handlers: {
        onEstablished: (c) => c.write(`${request} ${session}\r\n`),
        onData: (_c, text) => {
          for (const line of lines.add(text)) if (line.startsWith('200')) onAnswered();
        },
        onPeerClose: (c) => c.close(),
        onClose: (_c, reason) => finish(closeOutcomes[reason]),
      },
    });
    if (connection === undefined) finish('no-port');
    return connection;
  };

  outChannel = open(rdGatewayOutRequest, () => {
    establishedAtNs = kernel.nowNs;
    inChannel = open(rdGatewayInRequest, () => finish('completed'));
  });

  return () =>
    final ?? {
      outcome: establishedAtNs === undefined ? 'pending' : 'established',
      endedAtNs: kernel.nowNs,
      establishedAtNs,
      httpStatus: undefined,
      localPort: outChannel?.localPort,
    };
}
