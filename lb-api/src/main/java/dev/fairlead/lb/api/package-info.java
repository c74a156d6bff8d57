/**
 * The provider SPI: what a load-balancer implementation must do for the Fairlead controller.
 *
 * <p>The controller maps each Kubernetes Service of {@code type: LoadBalancer} to a {@link
 * dev.fairlead.lb.api.LoadBalancerSpec} and calls a {@link dev.fairlead.lb.api.LoadBalancerProvider}
 * created by the {@link dev.fairlead.lb.api.LoadBalancerProviderFactory} whose {@code name()} the
 * operator selected. No Kubernetes or cloud type appears here.
 *
 * <h2>Rules every provider honours</h2>
 *
 * The conformance kit ({@code lb-tck}) checks each rule by number; its test names cite them.
 *
 * <ul>
 *   <li><b>lb001</b> exactly one factory on the class path has a given name;
 *   <li><b>lb002</b> factory names are lower-case ids, {@code [a-z][a-z0-9-]*};
 *   <li><b>lb003</b> a factory is a public class with a public no-argument constructor and does no
 *       I/O before {@code create};
 *   <li><b>lb101</b> {@code ensure} returns a status with at least one ingress;
 *   <li><b>lb102</b> {@code ensure} is idempotent: repeating it with the same spec changes nothing
 *       and returns an equal status;
 *   <li><b>lb103</b> {@code find} is read-only: empty before {@code ensure}, the ensured status after;
 *   <li><b>lb104</b> a fresh provider instance finds what an earlier instance created: no state lives
 *       only in memory, because the controller may restart at any time (the fresh instance first
 *       receives {@code recover} with the published statuses, as the controller does on start);
 *   <li><b>lb105</b> {@code ensureDeleted} removes every part and is idempotent;
 *   <li><b>lb106</b> {@code ensureDeleted} of a Service that never had a load balancer is a no-op;
 *   <li><b>lb107</b> Services are isolated: changing or deleting one leaves the others intact;
 *   <li><b>lb108</b> clusters are isolated: {@link dev.fairlead.lb.api.ProviderContext#clusterName()}
 *       scopes everything a provider creates;
 *   <li><b>lb109</b> {@code updateBackends} keeps the ingress unchanged;
 *   <li><b>lb110</b> a feature outside {@link dev.fairlead.lb.api.ProviderCapabilities} fails with
 *       {@link dev.fairlead.lb.api.UnsupportedFeatureException} before any side effect;
 *   <li><b>lb111</b> a changed port set converges: {@code ensure} with new ports serves exactly them.
 * </ul>
 *
 * <p>Optional rules, checked only when {@link dev.fairlead.lb.api.ProviderCapabilities} claims the
 * feature: <b>lb201</b> UDP ports are served; <b>lb202</b> TCP and UDP on one load balancer;
 * <b>lb203</b> source ranges are accepted; <b>lb204</b> a requested address is honoured;
 * <b>lb205</b> {@code externalTrafficPolicy: Local} is accepted; <b>lb206</b> concurrent
 * {@code ensure} calls for different Services all succeed with distinct ingresses.
 *
 * <h2>Threading</h2>
 *
 * The controller calls a provider from many virtual threads at once, but never concurrently for the
 * same {@link dev.fairlead.lb.api.ServiceKey}. Calls block until done and must honour thread
 * interruption, which is how the controller enforces deadlines and shuts down.
 */
package dev.fairlead.lb.api;
