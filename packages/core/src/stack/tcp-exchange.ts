/**
 * A client's request/response exchange over one TCP connection: connect, send the request,
 * read the response — `requests` times, pausing `idleBetweenNs` between them on the same
 * connection (HTTP/1.1 keep-alive) — then close. The shape of the response (an HTTP message, or
 * as many bytes as were sent for echo) decides when it is whole. A long pause is how a client
 * meets a load balancer's idle timeout; TCP keepalives during it are how it avoids it
 * (docs/mechanics.md §2.6).
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { Endpoint } from './endpoint.ts';
import { closeOutcomes, type ExchangeOutcome, type ExchangeResult } from './exchange-outcome.ts';
import { formatHttpRequest, HttpResponseReader } from './http-message.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpCloseReason, TcpConnectionHandlers } from './tcp-state.ts';

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
  /** TCP keepalive interval, ns; off when absent, `undefined` or 0. */
  readonly keepaliveIntervalNs?: number | undefined;
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
  const run = new TcpExchangeRun(options);
  const connection = options.endpoint.connect({
    localAddress: options.localAddress,
    remoteAddress: options.remoteAddress,
    remotePort: options.remotePort,
    connectionId: options.connectionId,
    handlers: run,
  });
  run.started(connection);
  return { connection, result: run.result.bind(run) };
}

/**
 * One exchange's state and its connection's handlers, as one object: an exchange costs no
 * closure per callback (issue 20: a connection's setup was a share of the TCP workload).
 */
class TcpExchangeRun implements TcpConnectionHandlers<TcpConnection> {
  private readonly kernel: Kernel;
  private readonly request: TcpRequest;
  private readonly requests: number;
  /** The HTTP response being read (HTTP requests only: an echo reads no header). */
  private reader: HttpResponseReader | undefined;
  // The connection while the exchange runs; dropped when it ends, with the reader, so a
  // finished exchange (kept for the run summary) no longer holds the connection's buffers
  // and handlers: a million-connection run would otherwise keep every client socket alive.
  private open: TcpConnection | undefined;
  private httpStatus: number | undefined;
  private final: ExchangeResult | undefined;
  private establishedAtNs: number | undefined;
  private echoedBytes = 0;
  private answered = 0;

  constructor(private readonly options: TcpExchangeOptions) {
    this.kernel = options.endpoint.kernel;
    this.request = options.request;
    this.requests = options.requests ?? 1;
    if (this.request.kind === 'http') this.reader = new HttpResponseReader();
  }

  /** The connection opened (or not: no local port was free). */
  started(connection: TcpConnection | undefined): void {
    if (connection === undefined) this.finish('no-port', undefined);
    else if (this.final === undefined) this.open = connection;
  }

  /** The result so far: the final one once ended, else `established` or `pending`. */
  result(): ExchangeResult {
    return (
      this.final ?? {
        outcome: this.establishedAtNs === undefined ? 'pending' : 'established',
        endedAtNs: this.kernel.nowNs,
        establishedAtNs: this.establishedAtNs,
        httpStatus: this.httpStatus ?? this.reader?.status,
        localPort: this.open?.localPort,
      }
    );
  }

  onEstablished(connection: TcpConnection): void {
    this.establishedAtNs = this.kernel.nowNs;
    const keepaliveIntervalNs = this.options.keepaliveIntervalNs;
    if (keepaliveIntervalNs !== undefined && keepaliveIntervalNs > 0) connection.setKeepalive(keepaliveIntervalNs);
    this.sendRequest(connection);
  }

  onData(connection: TcpConnection, text: string, bytes: number): void {
    if (!this.responseComplete(text, bytes)) return;
    this.httpStatus = this.reader?.status ?? this.httpStatus;
    this.answered++;
    if (this.answered < this.requests) {
      this.kernel.afterCall(this.options.idleBetweenNs ?? 0, sendNextRequest, this, connection, undefined);
      return;
    }
    this.finish('completed', connection.localPort);
    connection.close();
  }

  onPeerClose(connection: TcpConnection): void {
    connection.close();
  }

  onClose(connection: TcpConnection, reason: TcpCloseReason): void {
    this.finish(closeOutcomes[reason], connection.localPort);
  }

  sendRequest(connection: TcpConnection): void {
    if (connection.state !== 'ESTABLISHED' || this.final !== undefined) return;
    this.echoedBytes = 0;
    if (this.request.kind === 'http') {
      this.reader = new HttpResponseReader();
      connection.write(formatHttpRequest(this.request.path, this.request.host));
    } else {
      connection.write('', this.request.bytes);
    }
  }

  private responseComplete(text: string, bytes: number): boolean {
    if (this.request.kind === 'http') return this.reader?.add(text, bytes) ?? false;
    this.echoedBytes += bytes;
    return this.echoedBytes >= this.request.bytes;
  }

  private finish(outcome: ExchangeOutcome, localPort: number | undefined): void {
    if (this.final !== undefined) return;
    this.final = {
      outcome,
      endedAtNs: this.kernel.nowNs,
      establishedAtNs: this.establishedAtNs,
      httpStatus: this.httpStatus ?? this.reader?.status,
      localPort,
    };
    this.open = undefined;
    this.reader = undefined;
    this.options.onResult(this.final);
  }
}

/** The scheduled call of a request after the pause between requests (no closure per request). */
function sendNextRequest(run: TcpExchangeRun, connection: TcpConnection, _unused: undefined): void {
  run.sendRequest(connection);
}
