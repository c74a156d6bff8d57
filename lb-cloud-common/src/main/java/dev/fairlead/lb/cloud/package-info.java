/**
 * What every cloud provider (AWS, Google Cloud, Azure) shares and no SDK decides.
 *
 * <ul>
 *   <li>{@link dev.fairlead.lb.cloud.CallGate}: every cloud API call of a provider passes one gate,
 *       with one token bucket, one shared throttling backoff per lane (reads, writes) that honours
 *       {@code Retry-After}, retries only where repeating is safe, and one metrics record per
 *       attempt. Each provider supplies an {@link dev.fairlead.lb.cloud.ErrorClassifier} for its
 *       SDK's exceptions.
 *   <li>{@link dev.fairlead.lb.cloud.UpstreamNames} and {@link dev.fairlead.lb.cloud.Fingerprint}:
 *       deterministic names from the Service UID, as the upstream cloud providers derive them, so
 *       a cluster moving from the upstream cloud-controller-manager adopts what it finds.
 *   <li>{@link dev.fairlead.lb.cloud.Checkpoint}: the small record a provider writes into its own
 *       resources (a description, a tag) so that a restart costs one list, not a read per Service.
 *   <li>{@link dev.fairlead.lb.cloud.KeyedLocks}: one lock per Service.
 * </ul>
 *
 * <p>Pure Java plus slf4j and bucket4j: no cloud SDK and no Kubernetes type may enter here.
 */
package dev.fairlead.lb.cloud;
