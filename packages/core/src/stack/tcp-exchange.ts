/**
 * A client's request/response exchange over one TCP connection: connect, send the request,
 * read the response — `requests` times, pausing `idleBetweenNs` between them on the same
 * connection (HTTP/1.1 keep-alive) — then close. The shape of the response (an HTTP message, or
 * as many bytes as were sent for echo) decides when it is whole. A long pause is how a client
 * meets a load balancer's idle timeout; TCP keepalives during it are how it avoids it
 * (docs/mechanics.md §2.6).
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { Endpoint } from './endpoint.ts';
import { closeOutcomes, type ExchangeOutcome, type ExchangeResult } from './exchange-outcome.ts';
import { formatHttpRequest, HttpResponseReader } from './http-message.ts';
import type { TcpConnection } from './tcp-connection.ts';

/** What the client sends and how it knows the answer is complete. */
export type TcpRequest =
  /** GET `path`; complete when the status line, header and Content-Length body are in. */
  | { readonly kind: 'http'; readonly path: string; readonly host: string }
  /** `bytes` of zero fill; complete when as many bytes came back. */
  | { readonly kind: 'echo'; readonly bytes: number };

/** Parameters of {@link startTcpExchange}. */
export interface TcpExchangeOptions {
  readonly endpoint: Endpoint;
  readonly localAddress: Ipv4Address;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
  readonly connectionId: number;
  readonly request: TcpRequest;
  /** Requests sent one after another on the connection (default 1). */
  readonly requests?: number;
  /** Pause after each response before the next request, ns (default 0). */
  readonly idleBetweenNs?: number;
  /** TCP keepalive interval, ns; off when absent or 0. */
  readonly keepaliveIntervalNs?: number;
  /** Called once when the exchange ends. */
  readonly onResult: (result: ExchangeResult) => void;
}

/** A running exchange. */
export interface TcpExchange {
  /** The connection, or `undefined` when no local port was free. */
  readonly connection: TcpConnection | undefined;
  /** The result so far: the final one once ended, else `established` or `pending`. */
  result(): ExchangeResult;
}

/** Starts an exchange now (the SYN goes out at once). */
export function startTcpExchange(options: TcpExchangeOptions): TcpExchange {
  const kernel = options.endpoint.kernel;
  const request = options.request;
  const requests = options.requests ?? 1;
  let reader: HttpResponseReader | undefined = new HttpResponseReader();
  // The connection while the exchange runs; dropped when it ends, with the reader, so a
  // finished exchange (kept for the run summary) no longer holds the connection's buffers
  // and handlers: a million-connection run would otherwise keep every client socket alive.
  let open: TcpConnection | undefined;
  let httpStatus: number | undefined;
  let final: ExchangeResult | undefined;
  let establishedAtNs: number | undefined;
  let echoedBytes = 0;
  let answered = 0;

  const finish = (outcome: ExchangeOutcome, localPort: number | undefined): void => {
    if (final !== undefined) return;
    final = { outcome, endedAtNs: kernel.nowNs, establishedAtNs, httpStatus: httpStatus ?? reader?.status, localPort };
    open = undefined;
    reader = undefined;
    options.onResult(final);
  };
  const responseComplete = (text: string, bytes: number): boolean => {
    if (request.kind === 'http') return reader?.add(text, bytes) ?? false;
    echoedBytes += bytes;
    return echoedBytes >= request.bytes;
  };
  const sendRequest = (c: TcpConnection): void => {
    if (c.state !== 'ESTABLISHED' || final !== undefined) return;
    reader = new HttpResponseReader();
    echoedBytes = 0;
    if (request.kind === 'http') c.write(formatHttpRequest(request.path, request.host));
    else c.write('', request.bytes);
  };

  const connection = options.endpoint.connect({
    localAddress: options.localAddress,
    remoteAddress: options.remoteAddress,
    remotePort: options.remotePort,
    connectionId: options.connectionId,
    handlers: {
      onEstablished: (c) => {
        establishedAtNs = kernel.nowNs;
        if (options.keepaliveIntervalNs !== undefined && options.keepaliveIntervalNs > 0) {
          c.setKeepalive(options.keepaliveIntervalNs);
        }
        sendRequest(c);
      },
      onData: (c, text, bytes) => {
        if (!responseComplete(text, bytes)) return;
        httpStatus = reader?.status ?? httpStatus;
        answered++;
        if (answered < requests) {
          kernel.after(options.idleBetweenNs ?? 0, () => sendRequest(c));
          return;
        }
        finish('completed', c.localPort);
        c.close();
      },
      onPeerClose: (c) => c.close(),
      onClose: (c, reason) => finish(closeOutcomes[reason], c.localPort),
    },
  });
  if (connection === undefined) finish('no-port', undefined);
  else if (final === undefined) open = connection;

  return {
    connection,
    result: () =>
      final ?? {
        outcome: establishedAtNs === undefined ? 'pending' : 'established',
        endedAtNs: kernel.nowNs,
        establishedAtNs,
        httpStatus: httpStatus ?? reader?.status,
        localPort: open?.localPort,
      },
  };
}
