package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.kube.vocabulary.InvalidFieldException;
import dev.fairlead.kube.vocabulary.LabelMatcher;
import dev.fairlead.kube.vocabulary.Selectors;
import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import dev.fairlead.lb.baremetal.speaker.election.Advertisement;
import dev.fairlead.lb.baremetal.speaker.election.PoolSelector;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads L2Advertisement objects into the election's {@link Advertisement}s, validating every field
 * with the shared vocabulary's rules; an invalid object becomes an {@link Advertisement.Invalid}
 * naming the field, never an exception.
 */
public final class L2AdvertisementReader {
  private L2AdvertisementReader() {}

  /**
   * Validates an L2Advertisement.
   *
   * @param name the object's name
   * @param spec its spec (may be null)
   * @return the usable form, or why it is not usable
   */
  public static Advertisement parse(String name, L2AdvertisementSpec spec) {
    L2AdvertisementSpec s = spec == null ? new L2AdvertisementSpec() : spec;
    try {
      PoolSelector pools = poolSelector(s.getIpAddressPools(), s.getIpAddressPoolSelectors(), "spec");
      List<LabelMatcher> nodes = selectors(s.getNodeSelectors(), "spec.nodeSelectors");
      Set<String> interfaces = new LinkedHashSet<>();
      List<String> names = s.getInterfaces() == null ? List.of() : s.getInterfaces();
      for (int i = 0; i < names.size(); i++) {
        String field = "spec.interfaces[" + i + "]";
        String ifname = names.get(i);
        checkInterface(field, ifname);
        if (!interfaces.add(ifname)) {
          throw new InvalidFieldException(field, "'" + ifname + "' is listed twice");
        }
      }
      return new Advertisement.Valid(name, pools, nodes, interfaces);
    } catch (InvalidFieldException e) {
      return new Advertisement.Invalid(name, e.field(), e.reason());
    }
  }

  private static PoolSelector poolSelector(List<String> names, List<LabelSelector> selectors,
      String prefix) {
    Set<String> pools = new HashSet<>();
    List<String> list = names == null ? List.of() : names;
    for (int i = 0; i < list.size(); i++) {
      String pool = list.get(i);
      if (!Selectors.isObjectName(pool)) {
        throw new InvalidFieldException(prefix + ".ipAddressPools[" + i + "]",
            "'" + pool + "' is not a valid object name");
      }
      pools.add(pool);
    }
    return new PoolSelector(pools, selectors(selectors, prefix + ".ipAddressPoolSelectors"));
  }

  private static List<LabelMatcher> selectors(List<LabelSelector> selectors, String path) {
    List<LabelMatcher> result = new ArrayList<>();
    List<LabelSelector> list = selectors == null ? List.of() : selectors;
    for (int i = 0; i < list.size(); i++) {
      result.add(Selectors.matcher(list.get(i), path + "[" + i + "]"));
    }
    return result;
  }

  private static void checkInterface(String field, String name) {
    if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15
        || name.equals(".") || name.equals("..") || name.chars().anyMatch(
            c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
      throw new InvalidFieldException(field, "'" + name + "' is not a valid interface name (1-15 characters,"
          + " no '/', ':' or spaces)");
    }
  }
}
