package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.controller.cli.CliException;
import dev.fairlead.controller.cli.Kubeconfigs;
import dev.fairlead.lb.baremetal.speaker.membership.Keyring;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fairlead speaker-key}: creates the speakers' membership Secret with a fresh random key if
 * it does not exist yet, and leaves an existing one alone. Run once per cluster by the Job in
 * {@code deploy/speaker/}, so {@code kubectl apply -k} installs a working, unique key without any
 * key material in the manifests.
 */
@Command(
    name = "speaker-key",
    mixinStandardHelpOptions = true,
    description = {
      "Create the speakers' membership Secret with a random 256-bit key, unless it exists.",
      "An existing Secret is never changed (rotate keys as described in speaker.md)."
    })
public final class SpeakerKeyCommand implements Callable<Integer> {
  /** Bytes of randomness per key. */
  static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--secret", paramLabel = "[NAMESPACE/]NAME", required = true,
      description = "The Secret to create. Namespace default: $POD_NAMESPACE, else fairlead-system.")
  String secret;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use. Default: in-cluster config, else $KUBECONFIG or ~/.kube/config.")
  Path kubeconfig;

  /**
   * A new key as the Secret stores it: base64 text of {@value #KEY_BYTES} random bytes.
   *
   * @return the key text
   */
  static String newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  @Override
  public Integer call() {
    SpeakerSettings.SecretRef ref =
        SpeakerCommand.secretRef("--secret", secret, SpeakerCommand.podNamespace());
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Kubeconfigs.load(kubeconfig)).build()) {
      spec.commandLine().getOut().println(create(client, ref));
    }
    return 0;
  }

  /**
   * Creates the Secret unless it exists.
   *
   * @param client the API client
   * @param ref the Secret
   * @return what happened, one line
   * @throws CliException if the API refuses for another reason than "exists"
   */
  static String create(KubernetesClient client, SpeakerSettings.SecretRef ref) {
    Secret object = new SecretBuilder().withNewMetadata().withNamespace(ref.namespace())
        .withName(ref.name()).addToLabels("app.kubernetes.io/name", "fairlead-speaker")
        .addToLabels("app.kubernetes.io/part-of", "fairlead").endMetadata()
        .withType("Opaque")
        .withStringData(Map.of(Keyring.SEND_ENTRY, newKey()))
        .build();
    try {
      client.secrets().inNamespace(ref.namespace()).resource(object).create();
      return "created Secret " + ref + " with a new membership key";
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return "Secret " + ref + " exists; left unchanged";
      }
      throw new CliException("cannot create Secret " + ref + ": " + e.getMessage());
    }
  }
}
