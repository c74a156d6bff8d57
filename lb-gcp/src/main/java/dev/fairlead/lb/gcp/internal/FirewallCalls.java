package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.DeleteFirewallRequest;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.InsertFirewallRequest;
import com.google.cloud.compute.v1.ListFirewallsRequest;
import com.google.cloud.compute.v1.UpdateFirewallRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import dev.fairlead.lb.gcp.model.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Firewall rules: traffic (with the checkpoint in its description) and health-checker rules. */
final class FirewallCalls extends Calls {
  FirewallCalls(Calls base) {
    super(base);
  }

  Optional<Observed.Firewall> get(String name) {
    return find("firewalls.get", () -> clients.firewalls.get(project(), name)).map(FirewallCalls::observed);
  }

  static Observed.Firewall observed(Firewall f) {
    Map<String, List<String>> allowed = new TreeMap<>();
    f.getAllowedList().forEach(a -> allowed.put(a.getIPProtocol(), a.getPortsList()));
    return new Observed.Firewall(f.getName(), allowed, f.getSourceRangesList(), f.getTargetTagsList(),
        f.getDestinationRangesList(), f.getDescription());
  }

  /**
   * The traffic firewalls of load balancers ({@code k8s-fw-a...}) with their descriptions: one list
   * call per 500 rules, what a restart reads instead of every Service's resources.
   */
  List<Observed.Firewall> listLoadBalancerFirewalls() {
    List<Observed.Firewall> out = new ArrayList<>();
    String token = "";
    do {
      String page = token;
      var list = read("firewalls.list", () -> clients.firewalls.listCallable().call(ListFirewallsRequest.newBuilder()
          .setProject(project()).setFilter("name eq \"k8s-fw-a[0-9a-f]{31}\"").setMaxResults(500).setPageToken(page)
          .build()));
      list.getItemsList().forEach(f -> out.add(observed(f)));
      token = list.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** Creates or replaces a rule; a create that finds it existing replaces it. */
  void write(LbModel.FirewallRule rule, boolean exists, List<String> targetTags, Optional<String> destination,
      String description) {
    Firewall.Builder b = Firewall.newBuilder().setName(rule.name()).setDescription(description)
        .setNetwork(global("networks", settings.network())).setDirection("INGRESS").setPriority(1000)
        .addAllSourceRanges(rule.sourceRanges()).addAllTargetTags(targetTags);
    destination.ifPresent(ip -> b.addDestinationRanges(ip));
    new TreeMap<>(rule.allowed()).forEach((protocol, ports) ->
        b.addAllowed(Allowed.newBuilder().setIPProtocol(Planner.apiProtocol(protocol)).addAllPorts(ports)));
    Firewall firewall = b.build();
    if (!exists) {
      try {
        write("firewalls.insert", "firewalls/" + rule.name() + " insert", CallKind.CREATE,
            () -> clients.firewalls.insertCallable().call(InsertFirewallRequest.newBuilder().setProject(project())
                .setFirewallResource(firewall).build()));
        return;
      } catch (RuntimeException e) {
        if (!GcpErrors.alreadyExists(e)) {
          throw e;
        }
      }
    }
    write("firewalls.update", "firewalls/" + rule.name() + " update", CallKind.WRITE,
        () -> clients.firewalls.updateCallable().call(UpdateFirewallRequest.newBuilder().setProject(project())
            .setFirewall(rule.name()).setFirewallResource(firewall).build()));
  }

  void delete(String name) {
    delete("firewalls.delete", "firewalls/" + name + " delete",
        () -> clients.firewalls.deleteCallable().call(DeleteFirewallRequest.newBuilder().setProject(project())
            .setFirewall(name).build()));
  }
}
