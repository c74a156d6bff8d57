/**
 * The bare-metal provider's Kubernetes adapter: IPAddressPool objects in, pool status and events
 * out, through the controller's {@link dev.fairlead.controller.host.ClusterHost}. The only provider
 * package besides {@code crd} that uses the Kubernetes client.
 */
package dev.fairlead.lb.baremetal.kube;
