package dev.fairlead.systemtests;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Renders deploy/ overlays with the real {@code kubectl kustomize} and reads what they grant. */
public final class Manifests {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  private Manifests() {}

  public static String kustomize(String overlay) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("overlays").resolve(overlay).toString())
        .redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("kubectl kustomize " + overlay + " failed: "
          + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  public static List<HasMetadata> objects(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        objects.add(Serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    return objects;
  }

  /** Every (group, resource, verb) the rules bound to a ServiceAccount grant. */
  public static Set<ApiUse> grants(List<HasMetadata> objects, String serviceAccount) {
    Set<String> roles = new HashSet<>();
    for (HasMetadata object : objects) {
      List<Subject> subjects = List.of();
      RoleRef ref = null;
      if (object instanceof ClusterRoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
      } else if (object instanceof RoleBinding binding) {
        subjects = binding.getSubjects();
        ref = binding.getRoleRef();
      }
      if (ref != null && subjects.stream().anyMatch(s -> serviceAccount.equals(s.getName()))) {
        roles.add(ref.getKind() + "/" + ref.getName());
      }
    }
    Set<ApiUse> grants = new HashSet<>();
    for (HasMetadata object : objects) {
      List<PolicyRule> rules = null;
      if (object instanceof ClusterRole role && roles.contains("ClusterRole/" + role.getMetadata().getName())) {
        rules = role.getRules();
      } else if (object instanceof Role role && roles.contains("Role/" + role.getMetadata().getName())) {
        rules = role.getRules();
      }
      if (rules != null) {
        for (PolicyRule rule : rules) {
          for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
              for (String verb : rule.getVerbs()) {
                grants.add(new ApiUse(group, resource, verb));
              }
            }
          }
        }
      }
    }
    return grants;
  }
}
