package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.DeleteForwardingRuleRequest;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.InsertForwardingRuleRequest;
import com.google.cloud.compute.v1.PatchForwardingRuleRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import dev.fairlead.lb.gcp.model.ServiceOptions;
import java.util.Optional;

/** Forwarding rules: the address, protocol and ports clients connect to. */
final class RuleCalls extends Calls {
  RuleCalls(Calls base) {
    super(base);
  }

  Optional<Observed.Rule> get(String name) {
    return find("forwardingRules.get", () -> clients.forwardingRules.get(project(), region(), name)).map(RuleCalls::observed);
  }

  static Observed.Rule observed(ForwardingRule r) {
    return new Observed.Rule(r.getName(), r.getIPAddress(), r.getIPProtocol(), r.getPortRange(), r.getPortsList(),
        r.getAllPorts(), r.hasTarget() ? last(r.getTarget()) : "", r.hasBackendService() ? last(r.getBackendService()) : "",
        r.getLoadBalancingScheme().isEmpty() ? "EXTERNAL" : r.getLoadBalancingScheme(),
        r.getNetworkTier().isEmpty() ? "PREMIUM" : r.getNetworkTier(),
        r.hasSubnetwork() ? last(r.getSubnetwork()) : "", r.getAllowGlobalAccess(), r.getDescription());
  }

  void create(LbModel model, LbModel.Rule rule, Optional<String> ip, String description) {
    ForwardingRule.Builder b = ForwardingRule.newBuilder().setName(rule.name()).setDescription(description)
        .setIPProtocol(rule.protocol().name());
    ip.ifPresent(b::setIPAddress);
    if (model.internal()) {
      b.setLoadBalancingScheme("INTERNAL")
          .setBackendService(regional("backendServices", model.names().backendService()))
          .setNetwork(global("networks", settings.network()))
          .setSubnetwork(regional("subnetworks", rule.subnetwork().orElse(settings.subnetwork())))
          .setAllowGlobalAccess(rule.allowGlobalAccess());
      if (rule.allPorts()) {
        b.setAllPorts(true);
      } else {
        b.addAllPorts(rule.ports());
      }
    } else {
      b.setLoadBalancingScheme("EXTERNAL").setTarget(regional("targetPools", model.names().targetPool()))
          .setPortRange(rule.portRange().orElseThrow())
          .setNetworkTier(model.tier() == ServiceOptions.Tier.STANDARD ? "STANDARD" : "PREMIUM");
    }
    write("forwardingRules.insert", "forwardingRules/" + rule.name() + " insert", CallKind.CREATE,
        () -> clients.forwardingRules.insertCallable().call(InsertForwardingRuleRequest.newBuilder()
            .setProject(project()).setRegion(region()).setForwardingRuleResource(b).build()));
  }

  void patchGlobalAccess(String name, boolean allow) {
    write("forwardingRules.patch", "forwardingRules/" + name + " patch", CallKind.WRITE,
        () -> clients.forwardingRules.patchCallable().call(PatchForwardingRuleRequest.newBuilder().setProject(project())
            .setRegion(region()).setForwardingRule(name)
            .setForwardingRuleResource(ForwardingRule.newBuilder().setAllowGlobalAccess(allow)).build()));
  }

  void delete(String name) {
    delete("forwardingRules.delete", "forwardingRules/" + name + " delete",
        () -> clients.forwardingRules.deleteCallable().call(DeleteForwardingRuleRequest.newBuilder()
            .setProject(project()).setRegion(region()).setForwardingRule(name).build()));
  }
}
