package dev.fairlead.controller.host;

import dev.fairlead.lb.api.ServiceKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the controller lends a provider that keeps objects of its own in the cluster (the bare-metal
 * provider's address pools). Everything the provider writes goes through here, so it passes the
 * same leadership gate and event recorder as the controller's own writes: a standby replica writes
 * nothing. Service data reaches providers in the {@link dev.fairlead.lb.api.LoadBalancerSpec}, not
 * through this host.
 */
public interface ClusterHost {

  /**
   * The controller's client, for reading the provider's own objects (informers). Writes go through
   * {@link #write}.
   *
   * @return the client
   */
  KubernetesClient client();

  /**
   * The load-balancer class the controller serves.
   *
   * @return the class, or empty for the cluster's default implementation
   */
  Optional<String> loadBalancerClass();

  /**
   * Runs a write if this replica leads, else skips it.
   *
   * @param write the write (one API call, as a rule)
   * @return true if it ran, false if this replica does not lead
   */
  boolean write(Runnable write);

  /**
   * Records an Event about any object through the controller's recorder (repeats aggregated,
   * nothing written unless this replica leads). Events about cluster-scoped objects go to the
   * {@code default} namespace, as Kubernetes does.
   *
   * @param object the object; a Service needs only namespace, name and UID
   * @param warning true for a Warning, false for a Normal event
   * @param reason the reason, from {@link dev.fairlead.kube.vocabulary.EventReasons}
   * @param message what happened
   */
  void event(HasMetadata object, boolean warning, String reason, String message);

  /**
   * Reconciles these Services again now and calls the provider's {@code ensure} for them even if
   * their spec did not change: the provider saw a change that may alter its answer (a new pool, a
   * freed address, an address another controller published too).
   *
   * @param services the Services
   */
  void requeue(Collection<ServiceKey> services);

  /**
   * Calls back on every Service change in the cluster, of any type and class, from the
   * controller's own informer (no second watch). Services already cached arrive as additions too,
   * later; {@link #services()} has them at once.
   *
   * @param handler the callbacks; they must be quick and must not block
   */
  void watchServices(ResourceEventHandler<Service> handler);

  /**
   * Every Service in the controller's cache now, of any type and class (no API call).
   *
   * @return a snapshot, empty before the cache is filled
   */
  List<Service> services();

  /**
   * Exposes a gauge family on the controller's {@code /metrics}, read at scrape time.
   *
   * @param name the metric name, conventional ({@code fairlead_...}, unit suffix)
   * @param help the help text
   * @param labelNames the label names
   * @param samples the current samples: label values (in {@code labelNames} order) to value
   */
  void gauge(String name, String help, List<String> labelNames,
      Supplier<Map<List<String>, Double>> samples);
}
