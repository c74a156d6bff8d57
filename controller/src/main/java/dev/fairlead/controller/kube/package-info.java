/**
 * The controller's Kubernetes adapters: Services to provider specs and provider statuses back to
 * Service status ({@link dev.fairlead.controller.kube.SpecMapper}, {@link
 * dev.fairlead.controller.kube.StatusMapper}), which updates matter, and the writers of status,
 * finalizers and events. What Kubernetes objects mean is shared with the bare-metal provider and
 * the speaker in {@code dev.fairlead.kube.vocabulary}.
 */
package dev.fairlead.controller.kube;
