/** {@code fairlead sandbox}: an embedded Kubernetes API for kubectl, seeded Nodes, the real controller. */
package dev.fairlead.sandbox;
