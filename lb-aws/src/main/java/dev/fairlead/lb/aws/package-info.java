/**
 * AWS provider: Network Load Balancers through ELBv2 (issue 5). Not implemented yet; this module only reserves its place in the build, and registers no
 * provider, so `fairlead providers` does not list it.
 */
package dev.fairlead.lb.aws;
