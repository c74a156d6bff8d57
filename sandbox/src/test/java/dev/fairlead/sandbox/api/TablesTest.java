package dev.fairlead.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TablesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static JsonNode j(String json) {
    return Json.parse(json.replace('\'', '"'));
  }

  private static ApiResource resource(String plural) {
    return ResourceCatalog.builtIn().all().stream().filter(r -> r.plural().equals(plural) && r.group().isEmpty())
        .findFirst().orElseThrow();
  }

  private static List<String> headers(JsonNode table) {
    List<String> out = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> {
      if (c.path("priority").asInt() == 0) {
        out.add(c.path("name").asText());
      }
    });
    return out;
  }

  @Test
  void serviceColumnsMatchKubectl() {
    JsonNode pending = j("{'kind':'Service','metadata':{'name':'web','creationTimestamp':'2026-01-01T11:59:30Z'},"
        + "'spec':{'type':'LoadBalancer','clusterIP':'203.0.113.2','ports':[{'port':80,'nodePort':30000,"
        + "'protocol':'TCP'},{'port':53,'nodePort':30001,'protocol':'UDP'}]},'status':{'loadBalancer':{}}}");
    JsonNode table = Tables.table(resource("services"), List.of(pending), "7", NOW, null);
    assertThat(headers(table)).containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age");
    assertThat(table.at("/rows/0/cells")).isEqualTo(j(
        "['web','LoadBalancer','203.0.113.2','<pending>','80:30000/TCP,53:30001/UDP','30s','<none>']"));
    assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("7");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void externalIpShowsPublishedAddressesOrNone() {
    assertThat(Tables.externalIp(j("{'spec':{'type':'LoadBalancer'},'status':{'loadBalancer':{'ingress':"
        + "[{'ip':'198.51.100.1'},{'hostname':'lb.example.com'}]}}}"))).isEqualTo("198.51.100.1,lb.example.com");
    assertThat(Tables.externalIp(j("{'spec':{'type':'ClusterIP'}}"))).isEqualTo("<none>");
    assertThat(Tables.externalIp(j("{'spec':{'type':'ExternalName','externalName':'db.example.com'}}")))
        .isEqualTo("db.example.com");
    assertThat(Tables.ports(j("{'spec':{}}"))).isEqualTo("<none>");
  }

  @Test
  void nodeStatusAndObjectInclusion() {
    JsonNode node = j("{'kind':'Node','metadata':{'name':'n1','labels':{'node-role.kubernetes.io/control-plane':''}},"
        + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}],"
        + "'nodeInfo':{'kubeletVersion':'v1.32.0'},'addresses':[{'type':'InternalIP','address':'192.0.2.11'}]}}");
    JsonNode table = Tables.table(resource("nodes"), List.of(node), null, NOW, "Object");
    assertThat(headers(table)).containsExactly("Name", "Status", "Roles", "Age", "Version");
    assertThat(table.at("/rows/0/cells/1").asText()).isEqualTo("Ready,SchedulingDisabled");
    assertThat(table.at("/rows/0/cells/2").asText()).isEqualTo("control-plane");
    assertThat(table.at("/rows/0/cells/5").asText()).isEqualTo("192.0.2.11");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("Node");
  }

  @Test
  void crdObjectsUseAdditionalPrinterColumns() {
    JsonNode crd = j("{'spec':{'group':'baremetal.fairlead.dev','scope':'Cluster','names':{'plural':'ipaddresspools',"
        + "'kind':'IPAddressPool'},'versions':[{'name':'v1alpha1','served':true,'subresources':{'status':{}},"
        + "'additionalPrinterColumns':[{'name':'Addresses','type':'string','jsonPath':'.spec.addresses'},"
        + "{'name':'Auto','type':'boolean','jsonPath':'.spec.autoAssign'},"
        + "{'name':'Free-v4','type':'integer','jsonPath':'.status.freeIPv4'}]}]}}");
    ApiResource pools = ResourceCatalog.of(List.of(crd)).find("baremetal.fairlead.dev", "v1alpha1", "ipaddresspools")
        .orElseThrow();
    JsonNode pool = j("{'metadata':{'name':'p'},'spec':{'addresses':['198.51.100.0/24'],'autoAssign':true},"
        + "'status':{'freeIPv4':255}}");
    JsonNode table = Tables.table(pools, List.of(pool), null, NOW, null);
    assertThat(headers(table)).containsExactly("Name", "Addresses", "Auto", "Free-v4");
    assertThat(table.at("/rows/0/cells").toString()).isEqualTo("[\"p\",\"[\\\"198.51.100.0/24\\\"]\",true,255]");
  }

  @Test
  void simpleJsonPath() {
    JsonNode o = j("{'status':{'conditions':[{'type':'A'},{'type':'B'}]}}");
    assertThat(SimpleJsonPath.evaluate(o, ".status.conditions[*].type")).extracting(JsonNode::asText)
        .containsExactly("A", "B");
    assertThat(SimpleJsonPath.evaluate(o, ".status.conditions[1].type")).extracting(JsonNode::asText)
        .containsExactly("B");
    assertThat(SimpleJsonPath.evaluate(o, ".spec.missing")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"5,5s", "119,119s", "120,2m", "185,3m5s", "600,10m", "10800,3h", "11100,3h5m", "86400,24h",
      "180000,2d2h", "864000,10d", "-1,0s", "-5,<invalid>"})
  void humanDurationLikeKubectl(long seconds, String expected) {
    assertThat(Tables.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }
}
