package dev.fairlead.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line as users meet it. The kubeconfig below points at a port nobody listens on: a
 * configuration error must be reported before any attempt to reach the cluster.
 */
class FairleadCliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Fairlead.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheSubcommands() {
    Run run = run("--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("controller", "providers");
  }

  @Test
  void controllerHelpListsEveryDocumentedFlag() {
    Run run = run("controller", "--help");
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("--provider", "--kubeconfig", "--cluster-name", "--provider-config",
        "--load-balancer-class", "--leader-elect", "--metrics-port", "--concurrency");
  }

  @Test
  void providersListsWhatServiceLoaderFindsWithCapabilities() {
    Run run = run("providers");
    assertThat(run.code()).isZero();
    // lb-tck's reference provider is on the test class path.
    assertThat(run.out()).contains("inmemory").contains("protocols=").contains("families=");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown provider|controller --provider nimbus|unknown provider 'nimbus' (available: ",
    "missing provider|controller|--provider is required (see 'fairlead providers')",
    "bad class|controller --provider inmemory --load-balancer-class Example.com/lb|--load-balancer-class 'Example.com/lb' has an invalid prefix",
    "bad class name|controller --provider inmemory --load-balancer-class internal_lb_|--load-balancer-class 'internal_lb_' is not a valid load-balancer class",
    "lease without namespace|controller --provider inmemory --leader-elect|--leader-elect needs --leader-election-namespace outside a cluster",
    "unknown flag|controller --provider inmemory --turbo|Unknown option: '--turbo'",
    "bad number|controller --provider inmemory --concurrency lots|'lots' is not an int",
    "concurrency bound|controller --provider inmemory --concurrency 0|--concurrency must be between 1 and 1024",
    "bad cluster name|controller --provider inmemory --cluster-name Prod_1|--cluster-name 'Prod_1' must be a DNS label",
    "bad duration|controller --provider inmemory --resync-period soon|'soon' is not a duration",
    "missing config|controller --provider inmemory --provider-config /nonexistent/fairlead.yaml|provider config /nonexistent/fairlead.yaml does not exist",
    "missing kubeconfig|controller --provider inmemory --kubeconfig /nonexistent/kubeconfig|kubeconfig /nonexistent/kubeconfig does not exist",
  })
  void configurationErrorsExitTwoWithOneClearLine(String name, String args, String message) {
    Run run = run(args.split(" "));
    assertThat(run.code()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(run.err().strip()).contains(message);
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void invalidProviderSettingsNameTheKeyBeforeTheClusterIsContacted() throws Exception {
    Path config = dir.resolve("provider.yaml");
    Files.writeString(config, "ingress: carrier-pigeon\n");
    Path kubeconfig = unreachableKubeconfig();
    Run run = run("controller", "--provider", "inmemory", "--provider-config", config.toString(),
        "--kubeconfig", kubeconfig.toString(), "--metrics-port", "-1");
    assertThat(run.code()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(run.err()).contains("invalid provider config").contains("ingress");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void malformedYamlSaysWhere() throws Exception {
    Path config = dir.resolve("provider.yaml");
    Files.writeString(config, "region: [unclosed\n");
    Run run = run("controller", "--provider", "inmemory", "--provider-config", config.toString());
    assertThat(run.code()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(run.err()).contains("is not valid YAML at line 1: while parsing a flow sequence;"
        + " expected ',' or ']', but got <stream end>");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not YAML|clusters: [unclosed\\n  - name: x|is not valid: ",
    "no cluster|apiVersion: v1\\nkind: Config\\nclusters: []\\ncontexts: []|names no cluster: current-context is not set",
  })
  void aBrokenKubeconfigIsOneLine(String name, String content, String problem) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, content.replace("\\n", "\n") + "\n");
    Run run = run("controller", "--provider", "inmemory", "--kubeconfig", kubeconfig.toString());
    assertThat(run.code()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(run.err().strip()).startsWith("fairlead controller: kubeconfig " + kubeconfig + " " + problem.strip());
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  @Test
  void anUnreachableApiServerIsOneLineAndExitCodeTwo() throws Exception {
    Run run = run("controller", "--provider", "inmemory", "--kubeconfig",
        unreachableKubeconfig().toString(), "--metrics-port", "-1");
    assertThat(run.code()).isEqualTo(Fairlead.CONFIG_ERROR);
    assertThat(run.err().strip())
        .startsWith("fairlead controller: cannot reach the Kubernetes API server at https://127.0.0.1:1");
    assertThat(run.err().strip().lines()).hasSize(1);
  }

  Path unreachableKubeconfig() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: nowhere
          cluster:
            server: https://127.0.0.1:1
        contexts:
        - name: nowhere
          context:
            cluster: nowhere
            user: nobody
        current-context: nowhere
        users:
        - name: nobody
          user:
            token: none
        """);
    return file;
  }
}
