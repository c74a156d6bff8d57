package dev.fairlead.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServicePolicyTest {
  private static final ServicePolicy.Allocated NONE = new ServicePolicy.Allocated(Set.of(), Set.of());

  private static JsonNode j(String json) {
    return Json.parse(json.replace('\'', '"'));
  }

  private static JsonNode svc(String spec) {
    return j("{'apiVersion':'v1','kind':'Service','metadata':{'name':'web','namespace':'default'},'spec':"
        + spec + "}");
  }

  private static JsonNode admitted(ServicePolicy.Outcome outcome) {
    assertThat(outcome).isInstanceOf(ServicePolicy.Outcome.Admitted.class);
    return ((ServicePolicy.Outcome.Admitted) outcome).service();
  }

  private static List<String> errors(ServicePolicy.Outcome outcome) {
    assertThat(outcome).isInstanceOf(ServicePolicy.Outcome.Rejected.class);
    return ((ServicePolicy.Outcome.Rejected) outcome).errors().stream().map(FieldError::message).toList();
  }

  @Test
  void loadBalancerGetsDefaultsClusterIpAndNodePorts() {
    JsonNode out = admitted(ServicePolicy.admit(
        svc("{'type':'LoadBalancer','ports':[{'name':'a','port':80},{'name':'b','port':53,'protocol':'UDP'}]}"),
        null, new ServicePolicy.Allocated(Set.of(30000), Set.of("203.0.113.1"))));
    JsonNode spec = out.path("spec");
    assertThat(spec.path("clusterIP").asText()).isEqualTo("203.0.113.2");
    assertThat(spec.path("clusterIPs")).isEqualTo(j("['203.0.113.2']"));
    assertThat(spec.at("/ports/0/nodePort").asInt()).isEqualTo(30001);
    assertThat(spec.at("/ports/1/nodePort").asInt()).isEqualTo(30002);
    assertThat(spec.at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(spec.at("/ports/0/targetPort").asInt()).isEqualTo(80);
    assertThat(spec.path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(spec.path("sessionAffinity").asText()).isEqualTo("None");
    assertThat(spec.path("allocateLoadBalancerNodePorts").asBoolean()).isTrue();
    assertThat(spec.path("ipFamilies")).isEqualTo(j("['IPv4']"));
    assertThat(spec.has("healthCheckNodePort")).isFalse();
    assertThat(out.at("/status/loadBalancer").isObject()).isTrue();
  }

  @Test
  void localTrafficPolicyGetsAHealthCheckNodePort() {
    JsonNode out = admitted(ServicePolicy.admit(
        svc("{'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[{'port':80}]}"), null, NONE));
    assertThat(out.at("/spec/ports/0/nodePort").asInt()).isEqualTo(30000);
    assertThat(out.at("/spec/healthCheckNodePort").asInt()).isEqualTo(30001);
  }

  @Test
  void dualStackGetsAnAddressPerFamily() {
    JsonNode out = admitted(ServicePolicy.admit(
        svc("{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}"), null, NONE));
    assertThat(out.at("/spec/clusterIPs")).isEqualTo(j("['203.0.113.1','2001:db8:ffff::1']"));
    assertThat(out.at("/spec/ipFamilies")).isEqualTo(j("['IPv4','IPv6']"));
  }

  @Test
  void clusterIpDoesNotGetNodePortsAndHeadlessNeedsNoPorts() {
    JsonNode out = admitted(ServicePolicy.admit(svc("{'ports':[{'port':80}]}"), null, NONE));
    assertThat(out.at("/spec/ports/0/nodePort").isMissingNode()).isTrue();
    assertThat(out.at("/spec/type").asText()).isEqualTo("ClusterIP");
    JsonNode headless = admitted(ServicePolicy.admit(svc("{'clusterIP':'None'}"), null, NONE));
    assertThat(headless.at("/spec/clusterIPs")).isEqualTo(j("['None']"));
  }

  @Test
  void updateKeepsAllocationsAndTypeChangeDropsNodePorts() {
    JsonNode created = admitted(ServicePolicy.admit(
        svc("{'type':'LoadBalancer','ports':[{'port':80}]}"), null, NONE));
    // kubectl apply without nodePort / clusterIP in the manifest: a PUT of the manifest keeps them.
    JsonNode updated = admitted(ServicePolicy.admit(
        svc("{'type':'LoadBalancer','ports':[{'port':80,'targetPort':8080}]}"), created, NONE));
    assertThat(updated.at("/spec/ports/0/nodePort")).isEqualTo(created.at("/spec/ports/0/nodePort"));
    assertThat(updated.at("/spec/clusterIP")).isEqualTo(created.at("/spec/clusterIP"));
    // Changing to ClusterIP with the merged (old) nodePort still in place: dropped, like upstream.
    com.fasterxml.jackson.databind.node.ObjectNode toClusterIp = updated.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) toClusterIp.get("spec")).put("type", "ClusterIP");
    JsonNode clusterIp = admitted(ServicePolicy.admit(toClusterIp, updated, NONE));
    assertThat(clusterIp.at("/spec/ports/0/nodePort").isMissingNode()).isTrue();
    assertThat(clusterIp.at("/spec/externalTrafficPolicy").isMissingNode()).isTrue();
    assertThat(clusterIp.at("/spec/allocateLoadBalancerNodePorts").isMissingNode()).isTrue();
  }

  @Test
  void clusterIpIsImmutable() {
    JsonNode created = admitted(ServicePolicy.admit(svc("{'ports':[{'port':80}]}"), null, NONE));
    assertThat(errors(ServicePolicy.admit(svc("{'clusterIP':'203.0.113.9','ports':[{'port':80}]}"), created, NONE)))
        .containsExactly("spec.clusterIPs[0]: Invalid value: \"203.0.113.9\": may not change once set");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      bad type | {'type':'Foo','ports':[{'port':80}]} | spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"
      no ports | {'type':'LoadBalancer'} | spec.ports: Required value
      port zero | {'ports':[{'port':0}]} | spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive
      duplicate port | {'ports':[{'name':'a','port':80},{'name':'b','port':80}]} | spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}
      unnamed ports | {'ports':[{'port':80},{'port':81}]} | spec.ports[0].name: Required value
      duplicate name | {'ports':[{'name':'a','port':80},{'name':'a','port':81}]} | spec.ports[1].name: Duplicate value: "a"
      bad protocol | {'ports':[{'port':80,'protocol':'ICMP'}]} | spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"
      node port range | {'type':'NodePort','ports':[{'port':80,'nodePort':80}]} | spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767
      node port taken | {'type':'NodePort','ports':[{'port':80,'nodePort':30080}]} | spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated
      node port on ClusterIP | {'ports':[{'port':80,'nodePort':30001}]} | spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'
      bad source range | {'type':'LoadBalancer','loadBalancerSourceRanges':['10.0.0.0/33'],'ports':[{'port':80}]} | spec.loadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)
      source range on ClusterIP | {'loadBalancerSourceRanges':['192.0.2.0/24'],'ports':[{'port':80}]} | spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'
      bad traffic policy | {'type':'LoadBalancer','externalTrafficPolicy':'Nearest','ports':[{'port':80}]} | spec.externalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", "Local"
      health check without Local | {'type':'LoadBalancer','healthCheckNodePort':30500,'ports':[{'port':80}]} | spec.healthCheckNodePort: Invalid value: 30500: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'
      class on ClusterIP | {'loadBalancerClass':'example.com/x','ports':[{'port':80}]} | spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'
      cluster IP out of range | {'clusterIP':'10.0.0.1','ports':[{'port':80}]} | spec.clusterIPs: Invalid value: ["10.0.0.1"]: failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 203.0.113.0/24
      cluster IP taken | {'clusterIP':'203.0.113.1','ports':[{'port':80}]} | spec.clusterIPs: Invalid value: ["203.0.113.1"]: failed to allocate IP 203.0.113.1: provided IP is already allocated
      headless LoadBalancer | {'type':'LoadBalancer','clusterIP':'None','ports':[{'port':80}]} | spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for LoadBalancer services
      external name missing | {'type':'ExternalName'} | spec.externalName: Required value
      """)
  void rejectsInvalidServicesLikeTheApiServer(String name, String spec, String message) {
    ServicePolicy.Allocated taken = new ServicePolicy.Allocated(Set.of(30080), Set.of("203.0.113.1"));
    assertThat(errors(ServicePolicy.admit(svc(spec), null, taken))).contains(message);
  }

  @Test
  void rejectsBadNames() {
    JsonNode bad = j("{'metadata':{'name':'Web_1'},'spec':{'ports':[{'port':80}]}}");
    assertThat(errors(ServicePolicy.admit(bad, null, NONE)).get(0)).startsWith(
        "metadata.name: Invalid value: \"Web_1\": a DNS-1035 label");
  }

  @Test
  void invalidStatusListsEveryCause() {
    List<FieldError> errors = ((ServicePolicy.Outcome.Rejected) ServicePolicy.admit(
        svc("{'type':'LoadBalancer','ports':[{'port':0}],'loadBalancerSourceRanges':['x']}"), null, NONE))
        .errors();
    JsonNode status = ApiStatus.invalid("Service", "", "web", errors);
    assertThat(status.path("code").asInt()).isEqualTo(422);
    assertThat(status.path("reason").asText()).isEqualTo("Invalid");
    assertThat(status.path("message").asText()).startsWith("Service \"web\" is invalid: [spec.ports[0].port:");
    // targetPort defaults to port before validation, so it is reported too (as upstream does).
    assertThat(status.at("/details/causes")).hasSize(3);
    assertThat(status.at("/details/causes/0/reason").asText()).isEqualTo("FieldValueInvalid");
    assertThat(status.at("/details/causes/0/field").asText()).isEqualTo("spec.ports[0].port");
  }

  @Test
  void unknownFieldsAreListedLikeStrictDecoding() {
    assertThat(ServicePolicy.unknownFields(svc("{'type':'LoadBalancer','prots':[],'ports':[{'port':80,'nme':'x'}]}")))
        .containsExactly("spec.prots", "spec.ports[0].nme");
    assertThat(ServicePolicy.unknownFields(svc("{'type':'LoadBalancer','ports':[{'port':80}]}"))).isEmpty();
  }
}
