/**
 * One BGP session as a pure state machine (RFC 4271 §8, connections initiated by the speaker only):
 * events in (connected, message received, timer due, stop), actions out (connect, send, disconnect,
 * up, down). Hold and keepalive timers, reconnect backoff, graceful restart and the Adj-RIB-Out
 * (which UPDATEs bring the peer from what it has to what it should have) live here; sockets and
 * threads do not, so every transition is table-tested with a fake clock.
 */
package dev.fairlead.lb.baremetal.speaker.bgp.session;
