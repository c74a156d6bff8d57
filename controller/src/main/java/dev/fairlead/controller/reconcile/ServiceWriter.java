package dev.fairlead.controller.reconcile;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/** The writes the reconciler makes to Services. Each is one API call; none touches the spec. */
public interface ServiceWriter {

  /**
   * Adds a finalizer, failing on a conflicting concurrent change.
   *
   * @param service the Service as last seen
   * @param finalizer the finalizer
   * @return the Service as the API server returned it after the write
   */
  Service addFinalizer(Service service, String finalizer);

  /**
   * Removes a finalizer.
   *
   * @param service the Service as last seen
   * @param finalizer the finalizer
   */
  void removeFinalizer(Service service, String finalizer);

  /**
   * Replaces {@code status.loadBalancer.ingress}.
   *
   * @param service the Service
   * @param ingress the new entries; empty clears them
   * @return the Service as the API server returned it after the write
   */
  Service patchIngress(Service service, List<LoadBalancerIngress> ingress);
}
