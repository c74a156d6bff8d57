/**
 * Wire-level cloud simulators and a fault-injecting proxy. Not implemented yet: it arrives with the
 * cloud provider issues; this module only reserves its place in the build.
 */
package dev.fairlead.sim;
