package dev.fairlead.controller.reconcile;

import io.fabric8.kubernetes.api.model.Service;

/** Records Kubernetes Events on a Service, so {@code kubectl describe service} tells the story. */
public interface EventRecorder {

  /**
   * A Normal event.
   *
   * @param service the Service
   * @param reason the reason, such as {@code EnsuredLoadBalancer}
   * @param message what happened
   */
  void normal(Service service, String reason, String message);

  /**
   * A Warning event.
   *
   * @param service the Service
   * @param reason the reason, such as {@code SyncLoadBalancerFailed}
   * @param message what went wrong, naming the field or the failure
   */
  void warning(Service service, String reason, String message);
}
