/**
 * Azure provider: Azure Standard Load Balancer. Not implemented yet; this module only reserves its place in the build, and registers no
 * provider, so `fairlead providers` does not list it.
 */
package dev.fairlead.lb.azure;
