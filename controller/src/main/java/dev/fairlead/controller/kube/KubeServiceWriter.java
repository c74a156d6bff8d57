package dev.fairlead.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairlead.controller.reconcile.ServiceWriter;
import dev.fairlead.controller.reconcile.WriteGate;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes finalizers and status with one JSON merge patch each, built from the cached Service.
 * Finalizer patches carry the cached {@code resourceVersion}, so a concurrent change makes the
 * API server answer 409 and the reconcile retries against fresh data instead of overwriting
 * another controller's finalizer. The spec is never sent.
 */
public final class KubeServiceWriter implements ServiceWriter {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private final KubernetesClient client;
  private final WriteGate gate;

  /**
   * Creates the writer.
   *
   * @param client the client
   * @param gate the leadership gate, checked before every write
   */
  public KubeServiceWriter(KubernetesClient client, WriteGate gate) {
    this.client = client;
    this.gate = gate;
  }

  @Override
  public Service addFinalizer(Service service, String finalizer) {
    List<String> finalizers = new ArrayList<>(current(service));
    if (finalizers.contains(finalizer)) {
      return service;
    }
    finalizers.add(finalizer);
    return patchFinalizers(service, finalizers);
  }

  @Override
  public void removeFinalizer(Service service, String finalizer) {
    List<String> finalizers = new ArrayList<>(current(service));
    if (finalizers.remove(finalizer)) {
      patchFinalizers(service, finalizers);
    }
  }

  @Override
  public Service patchIngress(Service service, List<LoadBalancerIngress> ingress) {
    gate.check();
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode loadBalancer = patch.putObject("status").putObject("loadBalancer");
    if (ingress.isEmpty()) {
      loadBalancer.putNull("ingress");
    } else {
      loadBalancer.set("ingress", JSON.valueToTree(ingress));
    }
    // resource(...) names the object without fetching it: one PATCH, no GET before it.
    return client
        .services()
        .resource(service)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private Service patchFinalizers(Service service, List<String> finalizers) {
    gate.check();
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode metadata = patch.putObject("metadata");
    metadata.put("resourceVersion", service.getMetadata().getResourceVersion());
    if (finalizers.isEmpty()) {
      metadata.putNull("finalizers"); // same meaning for the API server; some merge code skips []
    } else {
      ArrayNode list = metadata.putArray("finalizers");
      finalizers.forEach(list::add);
    }
    return client
        .services()
        .resource(service)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static List<String> current(Service service) {
    List<String> finalizers = service.getMetadata().getFinalizers();
    return finalizers == null ? List.of() : finalizers;
  }
}
