/**
 * What an event calls when it was scheduled with arguments rather than as a closure: the
 * fabric schedules every packet delivery as a function bound once per link and called with the
 * packet, its meta and the NIC, so that a hop allocates no closure.
 */

/** A function an event calls with the arguments it was scheduled with. */
export type EventCall<A, B, C> = (a: A, b: B, c: C) => void;
