/**
 * core/wire: packet records ⇄ bytes with real checksums, fragmentation and reassembly, and
 * capture files (pcapng and classic pcap) of those bytes.
 * Imports only core/net.
 */
export * from './capture-clock.ts';
export * from './capture-format.ts';
export * from './checksum.ts';
export * from './fragment.ts';
export * from './fragment-rewrite.ts';
export * from './icmp-codec.ts';
export * from './icmp-quote.ts';
export * from './ipv4-codec.ts';
export * from './ipv4-header.ts';
export * from './link-type.ts';
export * from './pcap.ts';
export * from './pcapng.ts';
export * from './result.ts';
export * from './tcp-codec.ts';
export * from './udp-codec.ts';
