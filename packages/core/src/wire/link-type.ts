/**
 * Link-layer types of capture files (tcpdump.org's LINKTYPE_ registry).
 */

/**
 * LINKTYPE_RAW: each packet starts with its IP header (the version nibble tells IPv4 from
 * IPv6). lbsim models no MAC addresses, and Ananta's Mux → host path is IP-in-IP, so an L3
 * capture loses nothing; Ethernet would only add 14 bytes of invented addresses.
 */
export const linkTypeRaw = 101;
