package dev.fairlead.kube.fake;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fake Kubernetes API server on loopback: fabric8's mock server in CRUD mode with the {@link
 * FaithfulCrudDispatcher}, one shared client, request counters, and the look-ups tests make
 * (a Service, its events, its published ingress).
 *
 * <pre>{@code
 * try (FakeApiServer api = FakeApiServer.start()) {
 *   api.client().services().resource(service).create();
 *   ...
 *   assertThat(api.reasons("ns", "web")).contains("EnsuredLoadBalancer");
 * }
 * }</pre>
 */
public final class FakeApiServer implements AutoCloseable {
  // The mock web server logs every request at INFO through java.util.logging; keep a strong
  // reference so the level sticks.
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final FaithfulCrudDispatcher dispatcher;
  private final KubernetesMockServer server;
  private final KubernetesClient client;


  private FakeApiServer(InetAddress address, int port, boolean storeEvents) {
    this.dispatcher = new FaithfulCrudDispatcher(storeEvents);
    this.server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(address, port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the fake API server: " + e.getMessage(), e);
    }
    this.client = newClient();
  }

  /**
   * Starts a server on a free loopback port that stores events (what tests read back).
   *
   * @return the running server
   */
  public static FakeApiServer start() {
    return new FakeApiServer(InetAddress.getLoopbackAddress(), 0, true);
  }

  /**
   * Starts a server.
   *
   * @param port the port, 0 for a free one
   * @param storeEvents false to acknowledge Event writes without storing them (benchmarks)
   * @return the running server
   */
  public static FakeApiServer start(int port, boolean storeEvents) {
    return new FakeApiServer(InetAddress.getLoopbackAddress(), port, storeEvents);
  }

  /**
   * Starts a server on another address than loopback, for clients in other network namespaces
   * (the bare-metal speaker tests listen on their bridge).
   *
   * @param address the address to listen on
   * @param port the port, 0 for a free one
   * @param storeEvents false to acknowledge Event writes without storing them (benchmarks)
   * @return the running server
   */
  public static FakeApiServer start(InetAddress address, int port, boolean storeEvents) {
    return new FakeApiServer(address, port, storeEvents);
  }

  /**
   * The shared client; closed with the server.
   *
   * @return the client
   */
  public KubernetesClient client() {
    return client;
  }

  /**
   * A new client of the caller's, for a second controller or a component that closes its own. It
   * allows 64 concurrent requests per host (fabric8's default of 5 stalls a controller that opens
   * several informers while watches wind down).
   *
   * @return the client; the caller closes it
   */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(server.createClient().getConfiguration())
                .withMaxConcurrentRequestsPerHost(64)
                .build())
        .build();
  }

  /**
   * Declares a custom resource type, so the CRUD dispatcher knows its scope (as fabric8's mock
   * server's own {@code expectCustomResource}).
   *
   * @param context the resource's group, version, plural and scope
   */
  public void expectCustomResource(
      io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext context) {
    server.expectCustomResource(context);
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getPort();
  }

  /**
   * Stores an object directly, as if created earlier (no HTTP round trip); open watches see it.
   *
   * @param object the object
   * @param plural its resource, such as {@code services}
   */
  public void preload(HasMetadata object, String plural) {
    dispatcher.preload(object, plural);
  }

  /**
   * The dispatcher, for counters and control hooks.
   *
   * @return the dispatcher
   */
  public FaithfulCrudDispatcher crud() {
    return dispatcher;
  }

  /**
   * Requests so far by {@code "VERB plural[/sub]"}, such as {@code PATCH services/status}.
   *
   * @return a sorted snapshot
   */
  public Map<String, Long> requests() {
    return dispatcher.requestCounts();
  }

  /**
   * A Service as stored now.
   *
   * @param namespace its namespace
   * @param name its name
   * @return the Service, or null
   */
  public Service service(String namespace, String name) {
    return client.services().inNamespace(namespace).withName(name).get();
  }

  /**
   * The published ingress of a Service.
   *
   * @param namespace its namespace
   * @param name its name
   * @return the ingress entries, empty if none or no such Service
   */
  public List<LoadBalancerIngress> ingress(String namespace, String name) {
    Service service = service(namespace, name);
    if (service == null
        || service.getStatus() == null
        || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return service.getStatus().getLoadBalancer().getIngress();
  }

  /**
   * The events about an object in a namespace, oldest first as stored.
   *
   * @param namespace the namespace of the events ({@code default} for cluster-scoped objects)
   * @param involvedName the involved object's name
   * @return the events
   */
  public List<Event> events(String namespace, String involvedName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> Objects.equals(involvedName, e.getInvolvedObject().getName()))
        .toList();
  }

  /**
   * The events about an object in any namespace.
   *
   * @param involvedName the involved object's name
   * @return the events
   */
  public List<Event> eventsAnywhere(String involvedName) {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(e -> Objects.equals(involvedName, e.getInvolvedObject().getName()))
        .toList();
  }

  /**
   * The reasons of the events about an object.
   *
   * @param namespace the namespace of the events
   * @param involvedName the involved object's name
   * @return the reasons
   */
  public List<String> reasons(String namespace, String involvedName) {
    return events(namespace, involvedName).stream().map(Event::getReason).toList();
  }

  /**
   * The messages of the Warning events about an object, in any namespace.
   *
   * @param involvedName the involved object's name
   * @return the messages
   */
  public List<String> warnings(String involvedName) {
    return eventsAnywhere(involvedName).stream()
        .filter(e -> "Warning".equals(e.getType()))
        .map(Event::getMessage)
        .toList();
  }

  /** Closes the shared client and stops the server; a watch that will not close is ignored. */
  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (RuntimeException e) {
      // The mock server waits a few seconds for open watch connections and then gives up: that is
      // about the fake's own shutdown, never about the code under test.
      System.err.println("FakeApiServer: " + e.getMessage() + " (fake server shutdown, ignored)");
    }
  }
}
