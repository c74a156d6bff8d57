package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.controller.cli.Fairlead;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox command's configuration errors: one line, exit code 2, nothing left running. */
class SandboxCliIT {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fairlead.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertOneLine(Run run, String expected) {
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").contains(expected);
  }

  @Test
  void portTakenIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = run("sandbox", "--listen", "127.0.0.1:" + taken.getLocalPort(),
          "--kubeconfig-out", dir.resolve("kc").toString());
      assertOneLine(run, "127.0.0.1:" + taken.getLocalPort() + " is already in use");
      assertThat(run.err()).startsWith("fairlead sandbox: cannot listen on");
    }
    assertThat(Files.exists(dir.resolve("kc"))).isFalse();
  }

  @Test
  void unknownAndMissingProviders() {
    assertOneLine(run("sandbox", "--provider", "nope"), "unknown provider 'nope' (available: ");
    assertThat(run("sandbox", "--provider", "nope").err()).contains("baremetal");
    assertOneLine(run("sandbox", "--provider", "gcp"), "the gcp provider is not installed in this distribution");
  }

  @Test
  void awsWithAnEndpointThatIsNoUrlIsOneLine() throws Exception {
    // Without an endpoint the aws sandbox starts moto itself (SandboxAwsIT); a bad one is refused.
    Path config = Files.writeString(dir.resolve("aws.yaml"), "region: eu-west-1\nendpoint: 'not a url'\n");
    assertOneLine(run("sandbox", "--provider", "aws", "--provider-config", config.toString(),
        "--kubeconfig-out", dir.resolve("kc").toString()), "endpoint 'not a url' is not a URL");
    assertThat(Files.exists(dir.resolve("kc"))).isFalse();
  }

  @Test
  void badFlagsAndValues() {
    assertOneLine(run("sandbox", "--frobnicate"), "Unknown option: '--frobnicate'");
    assertOneLine(run("sandbox", "--listen", "localhost"), "--listen 'localhost' must look like HOST:PORT");
    assertOneLine(run("sandbox", "--listen", "127.0.0.1:70000"), "port must be between 0 and 65535");
    assertOneLine(run("sandbox", "--nodes", "-1"), "--nodes must be between 0 and 1000");
    assertOneLine(run("sandbox", "--metrics-port", "-5"), "--metrics-port must be -1 (none), 0 (a free port)");
    assertOneLine(run("sandbox", "--provider-config", dir.resolve("missing.yaml").toString()),
        "provider config " + dir.resolve("missing.yaml") + " does not exist");
  }

  @Test
  void helpListsTheOptions() {
    Run run = run("sandbox", "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("--provider", "--provider-config", "--nodes", "--listen", "--kubeconfig-out",
        "--no-default-pool", "--metrics-port");
  }
}
