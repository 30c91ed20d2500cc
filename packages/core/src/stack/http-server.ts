/**
 * An HTTP responder: answers GET requests with a status code per path, an optional delay and
 * a zero-filled body, and keeps the connection open until the client closes (HTTP/1.1
 * persistent connections, RFC 9112 §9.3) — or, configured so, closes it first after each
 * answer (`Connection: close`, RFC 9112 §9.6), which puts the server side in TIME-WAIT.
 */
import type { ScheduledEvent } from '../sim/event-queue.ts';
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
  /**
   * Close a connection, server first, once nothing has arrived on it for this long, ns (0 or
   * absent: never). Web servers have such timeouts (Apache's `KeepAliveTimeout` and
   * `RequestReadTimeout`, nginx's `client_header_timeout` and `keepalive_timeout`); closing first
   * puts the server side in TIME-WAIT, which is what `tcp_tw_recycle` remembers peers by.
   */
  readonly idleTimeoutNs?: number;
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

  accept(connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    let buffered = '';
    const idleNs = this.config.idleTimeoutNs ?? 0;
    let idleTimer: ScheduledEvent | undefined;
    const rearm = () => {
      if (idleNs === 0) return;
      if (idleTimer !== undefined) this.kernel.cancel(idleTimer);
      idleTimer = this.kernel.after(idleNs, () => {
        idleTimer = undefined;
        connection.close();
      });
    };
    rearm();
    return {
      onData: (connection, text) => {
        rearm();
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
      onClose: () => {
        if (idleTimer !== undefined) this.kernel.cancel(idleTimer);
        idleTimer = undefined;
      },
    };
  }
}
