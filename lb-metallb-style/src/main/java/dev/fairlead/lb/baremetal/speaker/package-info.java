/**
 * The bare-metal speaker ({@code fairlead speaker}, a DaemonSet with host networking): answers ARP
 * and IPv6 neighbor solicitations for the VIPs its node is elected for and announces them on
 * takeover.
 *
 * <ul>
 *   <li>{@code packet}: pure codecs and responder rules (bytes in, bytes out);
 *   <li>{@code net}: AF_PACKET sockets through the FFM API, interface discovery;
 *   <li>{@code election}: pure election over Nodes, Services, endpoints and live speakers;
 *   <li>{@code membership}: which speakers are alive (JGroups);
 *   <li>this package: wiring, the announcement schedule, metrics, events, the CLI.
 * </ul>
 */
package dev.fairlead.lb.baremetal.speaker;
