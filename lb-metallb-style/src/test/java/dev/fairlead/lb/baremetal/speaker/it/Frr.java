package dev.fairlead.lb.baremetal.speaker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * FRRouting (Debian's {@code frr} package) as the router of a test: zebra, bgpd and bfdd started in
 * the foreground inside one network namespace with their own path space ({@code -N}), so they never
 * touch a system FRR; stopped by PID.
 */
final class Frr implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DAEMONS = "/usr/lib/frr";

  final String pathspace;
  private final String namespace;
  private final Path dir;
  private final RouterTopology net;
  private final List<Process> daemons = new ArrayList<>();

  /** Skips the calling test, with the reason, where FRR 8.x is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of(DAEMONS, "bgpd")),
        "skipped: FRR is not installed (apt-get install frr; .ci/run does)");
    Shell.Result v = Shell.quiet("dpkg-query", "-W", "-f=${Version}", "frr");
    Assumptions.assumeTrue(v.ok() && v.output().startsWith("8."),
        "skipped: FRR 8.x expected (Debian 12's 8.4), found " + v.output());
  }

  Frr(RouterTopology net, String namespace, Path dir, String zebra, String bgpd, String bfdd) {
    this.net = net;
    this.namespace = namespace;
    this.dir = dir;
    this.pathspace = net.prefix;
    // bgpd and bfdd run as user frr: they need a vty directory they own, and they read their
    // configuration after dropping privileges, so it must not sit under the build directory (a
    // fresh clone in a mktemp directory is 0700: frr cannot read it and the daemons start empty).
    Path runtime = Path.of("/run/frr", pathspace);
    Shell.must("install", "-d", "-o", "frr", "-g", "frr", "-m", "755", "/run/frr", runtime.toString());
    Map<String, String> configs = Map.of("zebra.conf", zebra, "bgpd.conf", bgpd, "bfdd.conf", bfdd,
        "vtysh.conf", "");
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> config : configs.entrySet()) {
        Files.writeString(runtime.resolve(config.getKey()), config.getValue());
        Files.writeString(dir.resolve(config.getKey()), config.getValue()); // kept with the logs
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String daemon : List.of("zebra", "bfdd", "bgpd")) {
      daemons.add(net.spawn(namespace, dir.resolve(daemon + ".log"), List.of(DAEMONS + "/" + daemon,
          "-N", pathspace, "-f", runtime.resolve(daemon + ".conf").toString(),
          "-i", "/run/frr/" + pathspace + "/" + daemon + ".pid")));
      awaitVty(daemon);
    }
  }

  private void awaitVty(String daemon) {
    Path vty = Path.of("/run/frr", pathspace, daemon + ".vty");
    for (int i = 0; i < 100 && !Files.exists(vty); i++) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!Files.exists(vty)) {
      throw new IllegalStateException(daemon + " did not start; log:\n" + log(daemon));
    }
  }

  String log(String daemon) {
    try {
      return Files.readString(dir.resolve(daemon + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Runs vtysh commands in the router's path space; returns the output. */
  String vtysh(String... commands) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "vtysh",
        "-N", pathspace));
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    return Shell.run(20, cmd).output().lines()
        .filter(l -> !l.contains("vtysh.conf")).reduce("", (a, b) -> a + b + "\n");
  }

  JsonNode json(String command) {
    String out = vtysh(command);
    try {
      return JSON.readTree(out.isBlank() ? "{}" : out);
    } catch (IOException e) {
      throw new IllegalStateException("'" + command + "' printed no JSON: " + out, e);
    }
  }

  /** Configuration commands under {@code router bgp ASN}. */
  void configureBgp(long asn, String... commands) {
    List<String> all = new ArrayList<>(List.of("configure terminal", "router bgp " + asn));
    all.addAll(List.of(commands));
    vtysh(all.toArray(String[]::new));
  }

  @Override
  public void close() {
    for (Process p : daemons) {
      p.destroy(); // SIGTERM by PID: FRR cleans its sockets
    }
    for (Process p : daemons) {
      try {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Shell.quiet("rm", "-rf", "/run/frr/" + pathspace);
  }
}
