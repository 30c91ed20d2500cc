/**
 * TCP MSS clamping (docs/mechanics.md §1.4, [ANANTA §6]): Host Agents rewrite the MSS option of
 * SYNs from 1460 to 1440 so that a full-size segment still fits the 1500-byte MTU after the
 * Mux adds its 20-byte IP-in-IP header.
 */
import type { Ipv4Packet } from '@lbsim/core';
import { TcpFlags } from '@lbsim/core';

/** MSS after clamping, in bytes: 1500 − 20 (outer IP) − 20 (IP) − 20 (TCP). */
export const clampedMssBytes = 1440;

/**
 * Lowers the MSS option of a SYN (or SYN-ACK) to `maxMssBytes`.
 * @returns the rewritten packet, or the same packet when there is nothing to change.
 */
export function clampMss(packet: Ipv4Packet, maxMssBytes: number): Ipv4Packet {
  const segment = packet.payload;
  if (segment.kind !== 'tcp' || (segment.flags & TcpFlags.Syn) === 0) return packet;
  if (segment.mss === undefined || segment.mss <= maxMssBytes) return packet;
  return { ...packet, payload: { ...segment, mss: maxMssBytes } };
}
