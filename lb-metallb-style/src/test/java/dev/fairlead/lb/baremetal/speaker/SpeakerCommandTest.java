package dev.fairlead.lb.baremetal.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.controller.cli.Fairlead;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code fairlead speaker} command line: registration and configuration errors (exit 2). */
class SpeakerCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fairlead.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void isRegisteredAsAFairleadSubcommand() {
    Run help = run("--help");

    assertThat(help.out()).contains("speaker");
    assertThat(run("speaker", "--help").out()).contains("--node-name", "--interfaces", "--peers",
        "--probe-timeout", "CAP_NET_RAW");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--node-name=                                        | --node-name is required",
    "--node-name=n1 --membership-port=70000              | --membership-port must be between 1 and 65535",
    "--node-name=n1 --peers=192.0.2.300                  | --peers: '192.0.2.300' is not an IP address",
    "--node-name=n1 --bind-address=host.example          | --bind-address: 'host.example' is not an IP address",
    "--node-name=n1 --probe-timeout=banana               | 'banana' is not a duration",
    "--node-name=n1 --probe-timeout=10s                  | --probe-timeout must be between 0s and 5s",
    "--node-name=n1 --failure-timeout=100ms              | --failure-timeout must be at least twice",
    "--node-name=n1 --interfaces=lo --kubeconfig=/x/y --insecure-membership | interface lo is a loopback interface",
    "--node-name=n1                                      | --membership-secret is required",
    "--node-name=n1 --membership-secret=s --insecure-membership | exclude each other",
    "--node-name=n1 --membership-secret=ns/Bad_Name      | 'Bad_Name' is not a valid Kubernetes name",
  })
  void configurationErrorsExitWithCode2AndOneLine(String arguments, String expected) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("speaker"));
    args.addAll(java.util.List.of(arguments.strip().split("\\s+")));

    Run r = run(args.toArray(String[]::new));

    assertThat(r.code()).as(r.err()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(r.err()).contains(expected);
    assertThat(r.err().strip().lines()).hasSize(1);
  }
}
