/**
 * A reverse proxy on a VM (nginx, HAProxy, or Application Gateway in front of a tier): for each
 * HTTP request a client sends it, it opens its own connection to an upstream address — from
 * its own address — asks the same path there, and answers the client with the upstream's
 * status. Azure's troubleshooting guide gives a proxy as the fix for a backend that must call
 * its own internal load balancer (docs/mechanics.md §2.5): the proxy is not in the backend pool,
 * so no flow can be mapped back to the VM that opened it. The same proxy chains tiers: a web VM
 * that calls an application tier through an internal load balancer.
 *
 * The upstream connection carries the client connection's simulation id, so the summary shows
 * the DIPs behind the proxy as serving the client's connection. An upstream that refuses,
 * resets or closes early gets 502 Bad Gateway; one that never answers, 504 Gateway Timeout
 * (nginx's answers). The proxy copies the status, not the body: it answers with `bodyBytes`.
 */
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import type { Endpoint, TcpListener } from './endpoint.ts';
import type { ExchangeResult } from './exchange-outcome.ts';
import { formatHttpResponse, parseHttpRequestPath } from './http-message.ts';
import type { TcpConnection } from './tcp-connection.ts';
import { startTcpExchange } from './tcp-exchange.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/** Configuration of an {@link HttpProxy}. */
export interface HttpProxyConfig {
  /** The proxy's own address, the source of its upstream connections. */
  readonly localAddress: Ipv4Address;
  /** Where requests go: a frontend IP (or a VM) and port. */
  readonly upstreamAddress: Ipv4Address;
  readonly upstreamPort: number;
  /** Body size of the answers it gives, bytes. */
  readonly bodyBytes: number;
}

/** The status a proxy answers with when its upstream exchange ended as `result`. */
export function proxyStatusOf(result: ExchangeResult): number {
  if (result.outcome === 'completed' && result.httpStatus !== undefined) return result.httpStatus;
  return result.outcome === 'timed-out' ? 504 : 502;
}

/** A listener that proxies each HTTP request to its upstream over a connection of its own. */
export class HttpProxy implements TcpListener {
  constructor(
    private readonly endpoint: Endpoint,
    private readonly config: HttpProxyConfig,
  ) {}

  accept(_connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    let buffered = '';
    return {
      onData: (connection, text) => {
        buffered += text;
        const path = parseHttpRequestPath(buffered);
        if (path === undefined) return;
        buffered = '';
        startTcpExchange({
          endpoint: this.endpoint,
          localAddress: this.config.localAddress,
          remoteAddress: this.config.upstreamAddress,
          remotePort: this.config.upstreamPort,
          connectionId: connection.connectionId,
          request: {
            kind: 'http',
            path: path === '' ? '/' : path,
            host: `${formatIpv4Address(this.config.upstreamAddress)}:${this.config.upstreamPort}`,
          },
          onResult: (result) => {
            const response = formatHttpResponse(proxyStatusOf(result), this.config.bodyBytes);
            connection.write(response.text, response.length);
          },
        });
      },
      onPeerClose: (connection) => connection.close(),
    };
  }
}
