package dev.fairlead.sim.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fairlead.sim.Simulator;
import dev.fairlead.sim.http.RequestRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * A stateful simulator of the Azure Resource Manager subset a load-balancer controller uses,
 * {@code Microsoft.Network} load balancers, public IP addresses, network security groups and
 * virtual networks, served over HTTPS with a certificate it issues to itself at start (Azure
 * clients send bearer tokens only over HTTPS).
 *
 * <p>Faithful where controllers break: ETags with {@code If-Match} (412 {@code
 * PreconditionFailed}), {@code provisioningState} and {@code Azure-AsyncOperation}/{@code Location}
 * operations that take {@link #setOperationLatency a configurable time}, a later PUT superseding
 * one in flight ({@code CanceledAndSupersededDueToAnotherOperation}), 429 {@code
 * SubscriptionRequestsThrottled} with {@code Retry-After} per subscription and lane, and ARM's
 * error bodies for missing resources, resources in use, invalid references and quotas. Every
 * request is recorded ({@code GET /sim/recorder}).
 *
 * <p>Authentication is not checked: a request may carry any bearer token, or none (so {@code curl}
 * works without one); a malformed {@code Authorization} header is refused as ARM does.
 */
public final class ArmSimulator implements Simulator {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The quotas the simulator enforces (Azure's defaults, lowered in tests).
   *
   * @param frontendsPerLoadBalancer frontend IP configurations of one load balancer
   * @param rulesPerLoadBalancer load-balancing rules of one load balancer
   * @param publicIpsPerRegion public IP addresses of a subscription in one region
   * @param rulesPerSecurityGroup security rules of one network security group
   */
  public record Limits(
      int frontendsPerLoadBalancer, int rulesPerLoadBalancer, int publicIpsPerRegion, int rulesPerSecurityGroup) {
    /**
     * Azure's default limits for Standard load balancers.
     *
     * @return 600 frontends, 1,500 rules, 1,000 public IPs, 1,000 security rules
     */
    public static Limits azureDefaults() {
      return new Limits(600, 1500, 1000, 1000);
    }
  }

  /**
   * How to start.
   *
   * @param host the address to bind, such as {@code 127.0.0.1}
   * @param port the port, 0 for any free one
   * @param operationLatency how long each write operation takes; zero completes it at once
   * @param pageSize the items per page of a list
   */
  public record Options(String host, int port, Duration operationLatency, int pageSize) {
    /** Validates. */
    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(operationLatency, "operationLatency");
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize must be positive");
      }
    }

    /**
     * Loopback, a free port, instant operations, pages of 100.
     *
     * @return the options
     */
    public static Options defaults() {
      return new Options("127.0.0.1", 0, Duration.ZERO, 100);
    }

    /**
     * These options with another operation latency.
     *
     * @param latency the latency
     * @return the copy
     */
    public Options withOperationLatency(Duration latency) {
      return new Options(host, port, latency, pageSize);
    }
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final SelfSignedTls tls;
  private final ArmStore store;
  private final Throttle throttle;
  private final RequestRecorder recorder = new RequestRecorder();
  private final String host;
  private volatile Path caFile;
  private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ArmSimulator(Options options, LongSupplier clock) throws IOException {
    this.host = options.host();
    this.tls = SelfSignedTls.generate(options.host());
    this.store = new ArmStore(clock, options.operationLatency(), Limits.azureDefaults());
    this.throttle = new Throttle(clock, null, null);
    this.executor = Executors.newVirtualThreadPerTaskExecutor();
    this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 128);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
    server.setExecutor(executor);
    server.createContext("/", new ArmHttpHandler(store, recorder, throttle, options.pageSize()));
    server.start();
  }

  /**
   * Starts a simulator.
   *
   * @param options how
   * @return the running simulator
   * @throws IOException if the port cannot be opened
   */
  public static ArmSimulator start(Options options) throws IOException {
    return new ArmSimulator(options, System::nanoTime);
  }

  /**
   * Starts a simulator whose operations and throttles run on a given clock (tests advance it).
   *
   * @param options how
   * @param nanoTime the monotonic clock, in nanoseconds
   * @return the running simulator
   * @throws IOException if the port cannot be opened
   */
  static ArmSimulator start(Options options, LongSupplier nanoTime) throws IOException {
    return new ArmSimulator(options, nanoTime);
  }

  /**
   * Starts a simulator on a free loopback port with instant operations.
   *
   * @return the running simulator
   * @throws IOException if no port can be opened
   */
  public static ArmSimulator start() throws IOException {
    return start(Options.defaults());
  }

  @Override
  public URI endpoint() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("https://" + h + ":" + server.getAddress().getPort());
  }

  @Override
  public List<String> usage() {
    List<String> lines = new ArrayList<>();
    String ca = caFile == null ? "<the simulator's certificate>" : caFile.toString();
    lines.add("CA certificate (PEM): " + ca);
    lines.add("  curl --cacert " + ca + " '" + endpoint()
        + "/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/loadBalancers"
        + "?api-version=2024-07-01'");
    lines.add("  Azure SDK for JavaScript: NODE_EXTRA_CA_CERTS=" + ca + ", endpoint " + endpoint()
        + ", any static token");
    lines.add("  az rest: REQUESTS_CA_BUNDLE=" + ca);
    lines.add("  operation latency: POST " + endpoint() + "/sim/config {\"operationLatencyMs\": 2000}");
    lines.addAll(notes);
    return lines;
  }

  /**
   * Adds a line to {@link #usage()}, such as what was seeded.
   *
   * @param line the line
   */
  public void note(String line) {
    notes.add(line);
  }

  /**
   * A TLS context that trusts this simulator (and can serve its certificate, as the fault proxy
   * does).
   *
   * @return the context
   */
  public SSLContext sslContext() {
    return tls.context();
  }

  /**
   * The simulator's certificate in PEM form; clients use it as their CA.
   *
   * @return the PEM text
   */
  public String caPem() {
    return tls.pem();
  }

  /**
   * Writes the certificate to a file, for clients outside this JVM.
   *
   * @param file where
   * @return the absolute path
   */
  public Path writeCaPem(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, caPem());
      caFile = file.toAbsolutePath();
      return caFile;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every request answered so far.
   *
   * @return the recorder
   */
  public RequestRecorder recorder() {
    return recorder;
  }

  /**
   * Sets how long each write operation (PUT, DELETE) stays in progress.
   *
   * @param latency zero completes operations at once
   */
  public void setOperationLatency(Duration latency) {
    synchronized (store) {
      store.setOperationLatency(latency);
    }
  }

  /**
   * Sets the quotas.
   *
   * @param limits the limits
   */
  public void setLimits(Limits limits) {
    synchronized (store) {
      store.limits = Objects.requireNonNull(limits, "limits");
    }
  }

  /**
   * Throttles each subscription like ARM: a bucket of {@code burst} requests per lane, refilled at
   * the given rates; 0 turns a lane's throttling off.
   *
   * @param readsPerSecond the read refill rate
   * @param writesPerSecond the write refill rate
   * @param burst the bucket size of each lane
   */
  public void throttle(double readsPerSecond, double writesPerSecond, int burst) {
    throttle.configure(readsPerSecond <= 0 ? null : new Throttle.Rate(burst, readsPerSecond),
        writesPerSecond <= 0 ? null : new Throttle.Rate(burst, writesPerSecond));
  }

  // ---- seeding and inspection, in-process (not recorded) ----

  /**
   * Creates a resource group.
   *
   * @param subscription the subscription
   * @param name the group
   * @param location its region
   */
  public void createResourceGroup(String subscription, String name, String location) {
    synchronized (store) {
      store.putGroup(subscription, name, location, null);
    }
  }

  /**
   * Creates a virtual network with one subnet, as the nodes of a cluster have.
   *
   * @param subscription the subscription
   * @param group the resource group (created if missing)
   * @param location the region
   * @param name the network
   * @param addressPrefix the network's prefix, such as {@code 192.0.2.0/24}
   * @param subnet the subnet's name
   * @param subnetPrefix the subnet's prefix
   * @return the subnet's id
   */
  public String createVirtualNetwork(String subscription, String group, String location, String name,
      String addressPrefix, String subnet, String subnetPrefix) {
    ObjectNode body = JSON.createObjectNode().put("location", location);
    ObjectNode props = body.putObject("properties");
    props.putObject("addressSpace").putArray("addressPrefixes").add(addressPrefix);
    props.putArray("subnets").addObject().put("name", subnet).putObject("properties")
        .put("addressPrefix", subnetPrefix);
    synchronized (store) {
      if (store.group(subscription, group) == null) {
        store.putGroup(subscription, group, location, null);
      }
      ResourceId id = new ResourceId(subscription, group, ArmStore.PROVIDER, "virtualNetworks", name);
      forceSucceeded(store.put(id, body, null, null));
      return id.id() + "/subnets/" + subnet;
    }
  }

  /**
   * Creates an empty network security group.
   *
   * @param subscription the subscription
   * @param group the resource group (created if missing)
   * @param location the region
   * @param name the group's name
   * @return its id
   */
  public String createSecurityGroup(String subscription, String group, String location, String name) {
    ObjectNode body = JSON.createObjectNode().put("location", location);
    body.putObject("properties").putArray("securityRules");
    synchronized (store) {
      if (store.group(subscription, group) == null) {
        store.putGroup(subscription, group, location, null);
      }
      ResourceId id = new ResourceId(subscription, group, ArmStore.PROVIDER, "networkSecurityGroups", name);
      forceSucceeded(store.put(id, body, null, null));
      return id.id();
    }
  }

  /**
   * A copy of a resource or child resource.
   *
   * @param id its id
   * @return the representation, or null if it does not exist
   */
  public ObjectNode resource(String id) {
    synchronized (store) {
      store.completeDue();
      ObjectNode found = store.find(id);
      return found == null ? null : found.deepCopy();
    }
  }

  /**
   * Copies of every resource of a type in a resource group.
   *
   * @param subscription the subscription
   * @param group the resource group
   * @param type such as {@code publicIPAddresses}
   * @return the representations
   */
  public List<ObjectNode> resources(String subscription, String group, String type) {
    synchronized (store) {
      return store.list(subscription, group, type).stream().map(ObjectNode::deepCopy).toList();
    }
  }

  private void forceSucceeded(ArmStore.Written written) {
    if (!written.operation().done()) {
      // Seeding is set-up, not an operation under test: finish it at once.
      Duration latency = store.operationLatency();
      store.setOperationLatency(Duration.ZERO);
      ResourceId id = ResourceId.parse(written.body().get("id").asText()).orElseThrow();
      store.put(id, written.body().deepCopy(), null, null);
      store.setOperationLatency(latency);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
