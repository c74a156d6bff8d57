package dev.fairlead.lb.baremetal.speaker.election;

import dev.fairlead.lb.baremetal.crd.L2AdvertisementSpec;
import dev.fairlead.lb.baremetal.ipam.LabelMatcher;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads L2Advertisements (pure) and applies the rule that decides which pools layer 2 announces,
 * agreed with the BGP speaker so that no advertisement objects at all means exactly the behaviour
 * before advertisements existed (BGP announces a pool iff some BGPAdvertisement selects it):
 *
 * <blockquote>L2 announces a pool's addresses iff (no L2Advertisement exists and no BGPAdvertisement
 * selects the pool) or at least one valid L2Advertisement selects it.</blockquote>
 *
 * <p>An invalid L2Advertisement still counts as existing (so it never silently widens what is
 * announced) but selects nothing; its status and a Warning event name the field.
 */
public final class Advertisements {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private Advertisements() {}

  /** A field that failed validation. */
  private static final class FieldError extends Exception {
    private static final long serialVersionUID = 1L;
    final String field;

    FieldError(String field, String reason) {
      super(reason, null, false, false);
      this.field = field;
    }
  }

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
          throw new FieldError(field, "'" + ifname + "' is listed twice");
        }
      }
      return new Advertisement.Valid(name, pools, nodes, interfaces);
    } catch (FieldError e) {
      return new Advertisement.Invalid(name, e.field, e.getMessage());
    }
  }

  private static PoolSelector poolSelector(List<String> names, List<LabelSelector> selectors,
      String prefix) throws FieldError {
    Set<String> pools = new HashSet<>();
    List<String> list = names == null ? List.of() : names;
    for (int i = 0; i < list.size(); i++) {
      String pool = list.get(i);
      if (pool == null || pool.length() > 253 || !DNS_SUBDOMAIN.matcher(pool).matches()) {
        throw new FieldError(prefix + ".ipAddressPools[" + i + "]",
            "'" + pool + "' is not a valid object name");
      }
      pools.add(pool);
    }
    return new PoolSelector(pools, selectors(selectors, prefix + ".ipAddressPoolSelectors"));
  }

  private static List<LabelMatcher> selectors(List<LabelSelector> selectors, String path)
      throws FieldError {
    List<LabelMatcher> result = new ArrayList<>();
    List<LabelSelector> list = selectors == null ? List.of() : selectors;
    for (int i = 0; i < list.size(); i++) {
      result.add(selector(list.get(i), path + "[" + i + "]"));
    }
    return result;
  }

  private static LabelMatcher selector(LabelSelector selector, String path) throws FieldError {
    if (selector == null) {
      throw new FieldError(path, "is empty");
    }
    Map<String, String> labels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      checkKey(path + ".matchLabels", e.getKey());
      checkValue(path + ".matchLabels[" + e.getKey() + "]", e.getValue());
    }
    List<LabelMatcher.Requirement> requirements = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    for (int j = 0; j < expressions.size(); j++) {
      String at = path + ".matchExpressions[" + j + "]";
      LabelSelectorRequirement r = expressions.get(j);
      checkKey(at + ".key", r.getKey());
      String operator = r.getOperator();
      if (!OPERATORS.contains(operator)) {
        throw new FieldError(at + ".operator",
            "'" + operator + "' is not In, NotIn, Exists or DoesNotExist");
      }
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      boolean needsValues = operator.equals("In") || operator.equals("NotIn");
      if (needsValues && values.isEmpty()) {
        throw new FieldError(at + ".values", "operator " + operator + " needs at least one value");
      }
      if (!needsValues && !values.isEmpty()) {
        throw new FieldError(at + ".values", "operator " + operator + " takes no values");
      }
      for (int k = 0; k < values.size(); k++) {
        checkValue(at + ".values[" + k + "]", values.get(k));
      }
      requirements.add(new LabelMatcher.Requirement(r.getKey(), operator, new HashSet<>(values)));
    }
    return new LabelMatcher(labels, requirements);
  }

  private static void checkKey(String field, String key) throws FieldError {
    String name = key == null ? "" : key;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String prefix = name.substring(0, slash);
      name = name.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        throw new FieldError(field, "'" + key + "' has an invalid prefix (a DNS subdomain)");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      throw new FieldError(field, "'" + key + "' is not a valid label key");
    }
  }

  private static void checkValue(String field, String value) throws FieldError {
    if (value == null || value.length() > 63
        || (!value.isEmpty() && !LABEL_NAME.matcher(value).matches())) {
      throw new FieldError(field, "'" + value + "' is not a valid label value");
    }
  }

  private static void checkInterface(String field, String name) throws FieldError {
    if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15
        || name.equals(".") || name.equals("..") || name.chars().anyMatch(
            c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
      throw new FieldError(field, "'" + name + "' is not a valid interface name (1-15 characters,"
          + " no '/', ':' or spaces)");
    }
  }

  /**
   * Applies the rule to every address.
   *
   * @param pools the pools
   * @param l2 every L2Advertisement (invalid ones included: they still count as existing)
   * @param bgpPools the pools some valid BGPAdvertisement selects (the BGP speaker's own reading,
   *     {@code BgpSpeaker.bgpPools})
   * @return the advertisements that apply to each address
   */
  public static Advertising rules(List<PoolInfo> pools, List<Advertisement> l2, Set<String> bgpPools) {
    List<PoolInfo> poolList = List.copyOf(pools);
    List<Advertisement.Valid> valid = l2.stream()
        .filter(a -> a instanceof Advertisement.Valid).map(a -> (Advertisement.Valid) a).toList();
    boolean anyL2 = !l2.isEmpty();
    Set<String> bgpSet = Set.copyOf(bgpPools);
    return vip -> {
      Optional<PoolInfo> pool = poolList.stream().filter(p -> p.contains(vip)).findFirst();
      if (pool.isEmpty()) {
        return Optional.empty();
      }
      String name = pool.get().name();
      Map<String, String> labels = pool.get().labels();
      List<Advertisement.Valid> selecting =
          valid.stream().filter(a -> a.pools().selects(name, labels)).toList();
      if (!selecting.isEmpty()) {
        return Optional.of(selecting);
      }
      if (!anyL2 && !bgpSet.contains(name)) {
        return Optional.of(List.of(Advertisement.Valid.EVERYWHERE));
      }
      return Optional.empty();
    };
  }

  /**
   * The pools an advertisement selects, for its status.
   *
   * @param ad the advertisement
   * @param pools the existing pools
   * @return names, sorted
   */
  public static List<String> selectedPools(Advertisement.Valid ad, List<PoolInfo> pools) {
    return pools.stream().filter(p -> ad.pools().selects(p.name(), p.labels())).map(PoolInfo::name)
        .sorted().toList();
  }

  /** Which advertisements apply to an address. */
  @FunctionalInterface
  public interface Advertising {
    /** No advertisement objects at all, no BGP: every pool address everywhere. */
    Advertising EVERYWHERE = vip -> Optional.of(List.of(Advertisement.Valid.EVERYWHERE));

    /**
     * The advertisements under which L2 announces an address.
     *
     * @param vip the address (inside some pool)
     * @return the applying advertisements (at least one), or empty when L2 does not announce it
     */
    Optional<List<Advertisement.Valid>> of(InetAddress vip);
  }
}
