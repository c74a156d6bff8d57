/**
 * Wire-level cloud simulators and a fault-injecting proxy. {@link
 * dev.fairlead.sim.proxy.FaultProxy} sits in front of any HTTP emulator (moto, LocalStack, the GCP
 * and Azure simulators) and injects throttling, server errors, latency and lost responses.
 */
package dev.fairlead.sim;
