/**
 * A Remote Desktop Gateway server's HTTP transport, reduced to what load balancing sees: each
 * client session opens two long-lived HTTPS connections to the same frontend port, one for data
 * from the gateway (RDG_OUT_DATA) and one for data to it (RDG_IN_DATA), and both must reach
 * the same server, which joins them into one tunnel. Azure names RD Gateway among the protocols
 * that need Client IP distribution (docs/mechanics.md §2.1, §2.13).
 *
 * The line protocol stands in for the HTTP requests: the client sends `RDG_OUT_DATA <session>`
 * and then, on another connection, `RDG_IN_DATA <session>`; the server answers `200 OUT` and
 * `200 IN`, and aborts an in channel whose out channel it does not hold (another server has
 * it), as a gateway can only join channels it owns.
 */
import type { TcpListener } from './endpoint.ts';
import { LineReader } from './line-reader.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/** The request line of an out channel: `RDG_OUT_DATA <session>`. */
export const rdGatewayOutRequest = 'RDG_OUT_DATA';
/** The request line of an in channel: `RDG_IN_DATA <session>`. */
export const rdGatewayInRequest = 'RDG_IN_DATA';

/** A listener that runs the gateway on each connection; it remembers the sessions whose out channel it holds. */
export class RdGatewayServer implements TcpListener {
  private readonly outChannels = new Set<string>();

  accept(_connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    const lines = new LineReader();
    let session: string | undefined;
    return {
      onData: (connection, text) => {
        for (const line of lines.add(text)) {
          const [request = '', id = ''] = line.split(' ');
          if (request === rdGatewayOutRequest) {
            session = id;
            this.outChannels.add(id);
            connection.write('200 OUT\r\n');
          } else if (request === rdGatewayInRequest && this.outChannels.has(id)) {
            connection.write('200 IN\r\n');
          } else {
            // An in channel for a session this server does not hold (or a request it does not know).
            connection.abort();
            return;
          }
        }
      },
      onPeerClose: (connection) => connection.close(),
      onClose: () => {
        if (session !== undefined) this.outChannels.delete(session);
      },
    };
  }
}
