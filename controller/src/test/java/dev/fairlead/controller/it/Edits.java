package dev.fairlead.controller.it;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.UnaryOperator;

/** Test-side edits that retry on 409, as kubectl users do when the controller wrote in between. */
final class Edits {
  private Edits() {}

  static void editService(KubernetesClient client, String ns, String name, UnaryOperator<Service> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        client.services().inNamespace(ns).withName(name).edit(change);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
      }
    }
  }

  static void editServiceStatus(KubernetesClient client, String ns, String name, UnaryOperator<Service> change) {
    for (int attempt = 0; ; attempt++) {
      try {
        client.services().inNamespace(ns).withName(name).editStatus(change);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
      }
    }
  }
}
