/**
 * An HTTP responder: answers GET requests with a status code per path, an optional delay and
 * a zero-filled body, and keeps the connection open until the client closes (HTTP/1.1
 * persistent connections, RFC 9112 §9.3) — or, configured so, closes it first after each
 * answer (`Connection: close`, RFC 9112 §9.6), which puts the server side in TIME-WAIT.
 */
import type { Kernel } from '../sim/kernel.ts';
import type { TcpListener } from './endpoint.ts';
import { formatHttpResponse, parseHttpRequestPath } from './http-message.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/** How one path is answered. */
export interface HttpRoute {
  readonly status: number;
  /** Body length in bytes. */
  readonly bodyBytes: number;
  /** Time to answer, ns. */
  readonly delayNs: number;
}

/** Configuration of an {@link HttpServer}. */
export interface HttpServerConfig {
  /** Answers by exact path. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** Answer for paths not in `routes`. */
  readonly fallback: HttpRoute;
  /** Close the connection after each answer, server first (default false). */
  readonly closeAfterResponse?: boolean;
}

/** The default: every path answers 200 with a 512-byte body at once. */
export const defaultHttpServerConfig: HttpServerConfig = {
  routes: new Map(),
  fallback: { status: 200, bodyBytes: 512, delayNs: 0 },
};

/** A listener that runs the HTTP responder on each connection. */
export class HttpServer implements TcpListener {
  /** Requests answered, by status code. */
  readonly answered = new Map<number, number>();

  constructor(
    private readonly kernel: Kernel,
    private readonly config: HttpServerConfig,
  ) {}

  accept(_connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    let buffered = '';
    return {
      onData: (connection, text) => {
        buffered += text;
        const path = parseHttpRequestPath(buffered);
        if (path === undefined) return;
        buffered = '';
        const route = this.config.routes.get(path) ?? this.config.fallback;
        const response = formatHttpResponse(route.status, route.bodyBytes, this.config.closeAfterResponse === true);
        this.answered.set(route.status, (this.answered.get(route.status) ?? 0) + 1);
        const answer = () => {
          connection.write(response.text, response.length);
          if (this.config.closeAfterResponse === true) connection.close();
        };
        if (route.delayNs === 0) answer();
        else this.kernel.after(route.delayNs, answer);
      },
      onPeerClose: (connection) => connection.close(),
    };
  }
}
