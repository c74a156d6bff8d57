package dev.fairlead.controller.testing;

import dev.fairlead.controller.host.ClusterHost;
import dev.fairlead.lb.api.ServiceKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link ClusterHost} without a controller around it, for testing a provider on its own (the
 * conformance kit): it always leads, so writes run; events and requeues are recorded, not sent; no
 * Service is watched.
 */
public final class StandaloneHost implements ClusterHost {
  private final KubernetesClient client;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<ServiceKey> requeued = new CopyOnWriteArrayList<>();

  /**
   * Creates the host.
   *
   * @param client the client the provider reads its objects with
   */
  public StandaloneHost(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The events recorded, as {@code "Warning Reason name: message"}.
   *
   * @return the events, oldest first
   */
  public List<String> events() {
    return List.copyOf(events);
  }

  /**
   * The Services the provider asked to requeue.
   *
   * @return the keys, oldest first
   */
  public List<ServiceKey> requeued() {
    return List.copyOf(requeued);
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Optional<String> loadBalancerClass() {
    return Optional.empty();
  }

  @Override
  public boolean write(Runnable write) {
    write.run();
    return true;
  }

  @Override
  public void event(HasMetadata object, boolean warning, String reason, String message) {
    events.add((warning ? "Warning " : "Normal ") + reason + " " + object.getMetadata().getName() + ": "
        + message);
  }

  @Override
  public void requeue(Collection<ServiceKey> services) {
    requeued.addAll(services);
  }

  @Override
  public void watchServices(ResourceEventHandler<Service> handler) {
    // No controller, no Service informer: nothing is published but what the provider allocates.
  }

  @Override
  public List<Service> services() {
    return List.of();
  }

  @Override
  public void gauge(String name, String help, List<String> labelNames,
      Supplier<Map<List<String>, Double>> samples) {
    // No metrics registry here.
  }
}
