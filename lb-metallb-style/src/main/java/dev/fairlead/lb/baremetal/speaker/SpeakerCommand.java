package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.controller.cli.DurationConverter;
import dev.fairlead.controller.cli.KubeconfigOption;
import dev.fairlead.controller.cli.Kubeconfigs;
import dev.fairlead.controller.cli.LoadBalancerClassOption;
import dev.fairlead.controller.cli.LoggingOptions;
import dev.fairlead.lb.baremetal.speaker.net.Link;
import dev.fairlead.lb.baremetal.speaker.net.Links;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fairlead speaker}: the bare-metal ARP/NDP speaker, one per node (DaemonSet). */
@Command(
    name = "speaker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Answer ARP and IPv6 neighbor solicitations for the LoadBalancer VIPs (addresses from"
          + " IPAddressPools) this node is elected for, and announce them on takeover.",
      "Pools selected by a BGPAdvertisement are announced over BGP to the BGPPeers instead"
          + " (every eligible node announces; BFD, graceful restart, TCP MD5).",
      "Needs host networking and CAP_NET_RAW. Configuration errors exit with code 2."
    })
public final class SpeakerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(SpeakerCommand.class);

  @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
      description = "This node's name (default: $NODE_NAME).")
  String nodeName;

  @Mixin KubeconfigOption kubeconfig;

  @Option(names = "--interfaces", paramLabel = "IF", split = ",",
      description = "Answer only on these interfaces (comma-separated; they may appear later)."
          + " Default: every interface that is up, has an Ethernet address, is not loopback, NOARP"
          + " or a bond/bridge member. Interfaces that appear, vanish or are renamed are picked up"
          + " at once.")
  List<String> interfaces = new ArrayList<>();

  @Option(names = "--bind-address", paramLabel = "IP",
      description = "Address for speaker membership traffic. Default: the Node's InternalIP.")
  String bindAddress;

  @Option(names = "--membership-port", paramLabel = "PORT", defaultValue = "7946",
      description = "TCP port for membership (default: ${DEFAULT-VALUE}); the crash detector uses"
          + " this port + 100.")
  int membershipPort;

  @Option(names = "--peers", paramLabel = "HOST[:PORT]", split = ",",
      description = "Speakers to contact on start. Default: every Node's InternalIP.")
  List<String> peers = new ArrayList<>();

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "7472",
      description = "Port for /metrics, /healthz and /readyz; -1 disables (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--probe-timeout", paramLabel = "DURATION", defaultValue = "150ms",
      converter = DurationConverter.class,
      description = "After claiming a VIP (at once), listen this long for another host answering"
          + " the ARP probe / DAD sent with the claim, reported as an address conflict; 0s sends"
          + " no probe (default: ${DEFAULT-VALUE}).")
  Duration probeTimeout;

  @Option(names = "--failure-timeout", paramLabel = "DURATION", defaultValue = "800ms",
      converter = DurationConverter.class,
      description = "A speaker silent this long is suspected (link or node down); crashed"
          + " processes are detected at once through their closed sockets (default: ${DEFAULT-VALUE}).")
  Duration failureTimeout;

  @Option(names = "--heartbeat-interval", paramLabel = "DURATION", defaultValue = "200ms",
      converter = DurationConverter.class,
      description = "Heartbeat period (default: ${DEFAULT-VALUE}).")
  Duration heartbeatInterval;

  @Option(names = "--verify-timeout", paramLabel = "DURATION", defaultValue = "100ms",
      converter = DurationConverter.class,
      description = "How long a suspected speaker gets to answer before it is removed"
          + " (default: ${DEFAULT-VALUE}).")
  Duration verifyTimeout;

  @Option(names = "--membership-secret", paramLabel = "[NAMESPACE/]NAME",
      description = "Secret with the membership keys (entry 'key' seals outgoing traffic; every"
          + " entry is accepted, which allows rotation). Namespace default: --secret-namespace."
          + " Required unless --insecure-membership.")
  String membershipSecret;

  @Option(names = "--insecure-membership",
      description = "Run the membership without keys: any process that reaches the membership port"
          + " can join and influence which node answers for a VIP. For tests only.")
  boolean insecureMembership;

  @Mixin LoadBalancerClassOption loadBalancerClass;

  @Mixin LoggingOptions logging;

  @Option(names = "--secret-namespace", paramLabel = "NAMESPACE",
      defaultValue = "${env:POD_NAMESPACE:-fairlead-system}",
      description = "Namespace of the membership Secret and of BGP password Secrets whose BGPPeer"
          + " names none (default: $POD_NAMESPACE, else ${DEFAULT-VALUE}).")
  String secretNamespace;

  @Override
  public Integer call() throws Exception {
    SpeakerSettings settings = settings();
    logging.apply();
    Links system = Links.system();
    List<Link> links = links(system, settings);
    Config config = kubeconfig.config();
    Kubeconfigs.requireReachable(config);
    SpeakerMetrics metrics = new SpeakerMetrics();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    Speaker speaker = new Speaker(settings, client, system, links, metrics);
    dev.fairlead.controller.runtime.HttpEndpoints server = settings.metricsPort() < 0 ? null
        : dev.fairlead.controller.runtime.HttpEndpoints.start(
            settings.metricsPort(), metrics.registry(), () -> true, speaker::ready);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      speaker.close();
      if (server != null) {
        server.close();
      }
      client.close();
    }, "shutdown"));
    try {
      speaker.start();
    } catch (Exception e) {
      LOG.error("speaker could not start: {}", e.getMessage());
      return 1;
    }
    speaker.stopped().join();
    return 0;
  }

  SpeakerSettings settings() {
    if (nodeName == null || nodeName.isBlank()) {
      throw new CliException("--node-name is required (or set $NODE_NAME)");
    }
    checkPort("--membership-port", membershipPort, 1);
    if (membershipPort > 65535 - 100) {
      throw new CliException("--membership-port must leave room for port + 100, got " + membershipPort);
    }
    if (metricsPort != -1) {
      checkPort("--metrics-port", metricsPort, 0);
    }
    if (probeTimeout.isNegative() || probeTimeout.compareTo(Duration.ofSeconds(5)) > 0) {
      throw new CliException(
          "--probe-timeout must be between 0s and 5s, got " + probeTimeout.toMillis() + "ms");
    }
    if (heartbeatInterval.toMillis() < 10) {
      throw new CliException("--heartbeat-interval must be at least 10ms");
    }
    if (failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new CliException("--failure-timeout must be at least twice --heartbeat-interval");
    }
    if (verifyTimeout.toMillis() < 1) {
      throw new CliException("--verify-timeout must be positive");
    }
    Optional<InetAddress> bind = Optional.ofNullable(bindAddress).map(a -> literal("--bind-address", a));
    List<InetSocketAddress> seeds = new ArrayList<>();
    for (String peer : peers) {
      seeds.add(peer(peer.strip()));
    }
    Optional<SpeakerSettings.SecretRef> secret = secretRef();
    return new SpeakerSettings(nodeName.strip(), interfaces.stream().map(String::strip).toList(),
        bind, membershipPort, seeds, metricsPort, probeTimeout, failureTimeout, heartbeatInterval,
        verifyTimeout, loadBalancerClass.loadBalancerClass(), secret, secretNamespace.strip());
  }

  private Optional<SpeakerSettings.SecretRef> secretRef() {
    if (membershipSecret == null || membershipSecret.isBlank()) {
      if (!insecureMembership) {
        throw new CliException("--membership-secret is required (the Secret with the speakers'"
            + " shared membership key); --insecure-membership runs without one");
      }
      return Optional.empty();
    }
    if (insecureMembership) {
      throw new CliException("--membership-secret and --insecure-membership exclude each other");
    }
    return Optional.of(secretRef("--membership-secret", membershipSecret, secretNamespace.strip()));
  }

  /** The speaker's namespace, found as the controller finds its own; else {@code fairlead-system}. */
  static String podNamespace() {
    return Kubeconfigs.podNamespace().orElse("fairlead-system");
  }

  /**
   * Parses {@code [NAMESPACE/]NAME}.
   *
   * @param option the option, for messages
   * @param text the value
   * @param defaultNamespace the namespace when the value names none
   * @return the reference
   * @throws CliException if a part is not a valid Kubernetes name
   */
  static SpeakerSettings.SecretRef secretRef(String option, String text, String defaultNamespace) {
    String value = text.strip();
    String namespace = defaultNamespace;
    String name = value;
    int slash = value.indexOf('/');
    if (slash >= 0) {
      namespace = value.substring(0, slash);
      name = value.substring(slash + 1);
    }
    for (String part : List.of(namespace, name)) {
      if (!part.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
        throw new CliException(option + ": '" + part + "' is not a valid Kubernetes name");
      }
    }
    return new SpeakerSettings.SecretRef(namespace, name);
  }

  /**
   * The interfaces at start. Auto mode needs at least one (else host networking is missing); named
   * interfaces may be missing at start (a VLAN created later is picked up at once), but a named
   * interface that exists and can never answer ARP (loopback) is a configuration error.
   */
  private static List<Link> links(Links system, SpeakerSettings settings) {
    if (settings.interfaces().isEmpty()) {
      List<Link> all = system.eligible();
      if (all.isEmpty()) {
        throw new CliException("no interface to answer on (none is up with an Ethernet address);"
            + " check host networking or pass --interfaces");
      }
      return all;
    }
    for (String name : settings.interfaces()) {
      try {
        if (java.net.NetworkInterface.getByName(name) != null
            && java.net.NetworkInterface.getByName(name).isLoopback()) {
          throw new CliException("--interfaces: interface " + name + " is a loopback interface");
        }
      } catch (java.net.SocketException e) {
        // unreadable now; checked again whenever interfaces change
      }
    }
    List<Link> chosen = system.select(settings.interfaces());
    List<String> missing = settings.interfaces().stream()
        .filter(n -> chosen.stream().noneMatch(l -> l.name().equals(n))).toList();
    if (!missing.isEmpty()) {
      LOG.warn("--interfaces: {} not usable yet (missing or down); answering on them as soon as"
          + " they appear", missing);
    }
    return chosen;
  }

  private InetSocketAddress peer(String text) {
    int port = membershipPort;
    String host = text;
    Matcher bracketed = Pattern.compile("\\[(.+)](?::(\\d+))?").matcher(text);
    if (bracketed.matches()) {
      host = bracketed.group(1);
      port = bracketed.group(2) == null ? port : Integer.parseInt(bracketed.group(2));
    } else if (text.chars().filter(c -> c == ':').count() == 1) {
      host = text.substring(0, text.indexOf(':'));
      try {
        port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
      } catch (NumberFormatException e) {
        throw new CliException("--peers: bad port in '" + text + "'");
      }
    }
    checkPort("--peers", port, 1);
    return new InetSocketAddress(literal("--peers", host), port);
  }

  private static InetAddress literal(String option, String text) {
    try {
      return InetAddress.ofLiteral(text.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(option + ": '" + text + "' is not an IP address");
    }
  }

  private static void checkPort(String option, int port, int min) {
    if (port < min || port > 65535) {
      throw new CliException(option + " must be between " + min + " and 65535, got " + port);
    }
  }

}
