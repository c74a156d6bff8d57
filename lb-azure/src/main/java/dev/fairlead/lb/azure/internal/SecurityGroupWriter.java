package dev.fairlead.lb.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.network.fluent.NetworkSecurityGroupsClient;
import com.azure.resourcemanager.network.fluent.models.NetworkSecurityGroupInner;
import com.azure.resourcemanager.network.fluent.models.SecurityRuleInner;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.azure.model.NsgChange;
import dev.fairlead.lb.azure.model.NsgMerge;
import dev.fairlead.lb.azure.model.SecurityRule;
import dev.fairlead.lb.azure.model.Topology;
import dev.fairlead.lb.cloud.CallGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Writes the cluster's network security group: the {@link Coalescer.Writer} that merges a batch
 * of Services' admissions into one PUT of the whole group, guarded by {@code If-Match}, as for the
 * load balancer. The group itself belongs to the cluster (AKS creates it); it is never created or
 * deleted here.
 */
final class SecurityGroupWriter implements Coalescer.Writer<NsgChange, List<SecurityRule>> {
  private static final int MAX_ROUNDS = 6;

  private record Snapshot(NetworkSecurityGroupInner raw, List<SecurityRule> rules, long seenAtNanos) {}

  private final Topology topology;
  private final Topology.SecurityGroupRef group;
  private final Arm arm;
  private final CallGate.Ticker ticker;
  private final long maxAgeNanos;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

  SecurityGroupWriter(Topology topology, Arm arm, CallGate.Ticker ticker, long maxAgeNanos) {
    this.topology = topology;
    this.group = topology.securityGroup().orElseThrow();
    this.arm = arm;
    this.ticker = ticker;
    this.maxAgeNanos = maxAgeNanos;
  }

  private NetworkSecurityGroupsClient client() {
    return arm.client().getNetworkSecurityGroups();
  }

  /**
   * Reads the group now.
   *
   * @return its rules
   */
  List<SecurityRule> refresh() {
    return read().rules();
  }

  private Snapshot read() {
    NetworkSecurityGroupInner raw = arm.read("networkSecurityGroups.get",
        () -> client().getByResourceGroupWithResponse(group.resourceGroup(), group.name(), null, Context.NONE))
        .orElseThrow(() -> ProviderFailureException.userError("network security group " + group.name()
            + " does not exist in resource group " + group.resourceGroup()
            + " (setting 'securityGroupName'); create it or remove the setting"));
    Snapshot s = new Snapshot(raw, rules(raw), ticker.nanoTime());
    snapshot.set(s);
    return s;
  }

  private static List<SecurityRule> rules(NetworkSecurityGroupInner raw) {
    List<SecurityRule> out = new ArrayList<>();
    if (raw.securityRules() != null) {
      raw.securityRules().forEach(r -> out.add(SdkMapping.toRule(r)));
    }
    return out;
  }

  /**
   * Every destination address in this cluster's rules, as last seen.
   *
   * @return the addresses
   */
  Set<String> destinations() {
    Snapshot s = snapshot.get();
    List<SecurityRule> rules = s == null ? refresh() : s.rules();
    String marker = SecurityRule.marker(topology.cluster());
    return rules.stream().filter(r -> r.description().filter(d -> d.startsWith(marker)).isPresent())
        .flatMap(r -> r.destinations().stream()).collect(Collectors.toSet());
  }

  @Override
  public List<Coalescer.Outcome<List<SecurityRule>>> write(List<NsgChange> batch) {
    Snapshot base = snapshot.get();
    if (base == null || ticker.nanoTime() - base.seenAtNanos() > maxAgeNanos) {
      base = read();
    }
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      NsgMerge.Result result;
      try {
        result = NsgMerge.merge(topology.cluster(), base.rules(), batch);
      } catch (IllegalStateException e) {
        throw ProviderFailureException.userError("network security group " + group.name() + ": " + e.getMessage());
      }
      try {
        List<SecurityRule> written = result.changed() ? put(base, result) : result.rules();
        List<Coalescer.Outcome<List<SecurityRule>>> outcomes = new ArrayList<>();
        batch.forEach(c -> outcomes.add(new Coalescer.Outcome.Done<>(written)));
        return outcomes;
      } catch (HttpResponseException e) {
        if (ArmErrors.status(e) == 412) {
          base = read();
          continue;
        }
        if (ArmErrors.status(e) == 400) {
          throw new Coalescer.BatchRejected(Arm.failure("network security group " + group.name(), e));
        }
        throw Arm.failure("network security group " + group.name(), e);
      } catch (OperationFailedException e) {
        if (e.superseded()) {
          base = read();
          continue;
        }
        throw new ProviderFailureException("network security group " + group.name() + ": " + e.getMessage(), e);
      }
    }
    throw new ProviderFailureException("network security group " + group.name() + " kept changing under us; will"
        + " retry");
  }

  private List<SecurityRule> put(Snapshot base, NsgMerge.Result result) {
    NetworkSecurityGroupInner body = copy(base.raw());
    List<SecurityRuleInner> rules = new ArrayList<>(body.securityRules() == null ? List.of() : body.securityRules());
    Set<String> gone = result.removals().stream().map(String::toLowerCase).collect(Collectors.toSet());
    rules.removeIf(r -> gone.contains(r.name().toLowerCase()));
    for (SecurityRule upsert : result.upserts()) {
      rules.removeIf(r -> r.name().equalsIgnoreCase(upsert.name()));
      rules.add(SdkMapping.toInner(upsert));
    }
    body.withSecurityRules(rules);
    Arm.Written answer = arm.write("networkSecurityGroups.createOrUpdate",
        () -> client().createOrUpdateWithResponseAsync(group.resourceGroup(), group.name(), body), base.raw().etag(),
        null);
    NetworkSecurityGroupInner written = parse(answer.body());
    Snapshot s = new Snapshot(written, rules(written), ticker.nanoTime());
    snapshot.set(s);
    return s.rules();
  }

  private static NetworkSecurityGroupInner copy(NetworkSecurityGroupInner raw) {
    try {
      return parse(raw.toJsonBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NetworkSecurityGroupInner parse(byte[] json) {
    try (JsonReader reader = JsonProviders.createReader(json)) {
      return NetworkSecurityGroupInner.fromJson(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse a network security group: " + e.getMessage(), e);
    }
  }
}
