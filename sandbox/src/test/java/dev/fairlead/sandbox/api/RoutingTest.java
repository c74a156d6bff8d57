package dev.fairlead.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTest {

  private static JsonNode j(String json) {
    return Json.parse(json.replace('\'', '"'));
  }

  @Test
  void resolvesResourcePaths() {
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    ApiRequest.Target svc = ApiRequest.parse("/api/v1/namespaces/default/services/web/status?x=1")
        .resolve(catalog).orElseThrow();
    assertThat(svc.resource().kind()).isEqualTo("Service");
    assertThat(svc.namespace()).isEqualTo("default");
    assertThat(svc.name()).isEqualTo("web");
    assertThat(svc.subresource()).isEqualTo("status");
    ApiRequest.Target ns = ApiRequest.parse("/api/v1/namespaces/default").resolve(catalog).orElseThrow();
    assertThat(ns.resource().kind()).isEqualTo("Namespace");
    assertThat(ns.name()).isEqualTo("default");
    ApiRequest.Target all = ApiRequest.parse("/apis/apps/v1/deployments").resolve(catalog).orElseThrow();
    assertThat(all.namespace()).isNull();
    assertThat(all.name()).isNull();
    assertThat(ApiRequest.parse("/apis/nope.example/v1/things").resolve(catalog)).isEmpty();
    assertThat(svc.qualifiedPlural()).isEqualTo("services");
  }

  @Test
  void queryIsDecodedAndCanBeFiltered() {
    ApiRequest req = ApiRequest.parse("/api/v1/events?fieldSelector=involvedObject.name%3Dweb%2Ctype%21%3DNormal&watch=true");
    assertThat(req.isWatch()).isTrue();
    assertThat(req.param("fieldSelector")).contains("involvedObject.name=web,type!=Normal");
    assertThat(req.targetWithout("fieldSelector")).isEqualTo("/api/v1/events?watch=true");
    FieldSelector selector = FieldSelector.parse(req.param("fieldSelector").orElseThrow());
    assertThat(selector.matches(j("{'involvedObject':{'name':'web'},'type':'Warning'}"))).isTrue();
    assertThat(selector.matches(j("{'involvedObject':{'name':'web'},'type':'Normal'}"))).isFalse();
    assertThat(selector.matches(j("{'involvedObject':{'name':'other'},'type':'Warning'}"))).isFalse();
    assertThat(FieldSelector.parse("metadata.name==a").matches(j("{'metadata':{'name':'a'}}"))).isTrue();
  }

  @Test
  void discoveryListsBuiltInsAndCrds() {
    JsonNode crd = j("{'spec':{'group':'baremetal.fairlead.dev','scope':'Cluster','names':{'plural':'ipaddresspools',"
        + "'singular':'ipaddresspool','kind':'IPAddressPool','shortNames':['ipool']},'versions':[{'name':'v1alpha1',"
        + "'served':true,'storage':true,'subresources':{'status':{}}}]}}");
    ResourceCatalog catalog = ResourceCatalog.of(List.of(crd));
    JsonNode groups = Discovery.groupList(catalog);
    assertThat(groups.path("groups").findValuesAsText("name")).contains("apps", "baremetal.fairlead.dev");
    JsonNode core = Discovery.resourceList(catalog, "v1").orElseThrow();
    assertThat(core.path("resources").findValuesAsText("name")).contains("services", "services/status", "nodes");
    JsonNode pools = Discovery.resourceList(catalog, "baremetal.fairlead.dev/v1alpha1").orElseThrow();
    assertThat(pools.at("/resources/0/namespaced").asBoolean()).isFalse();
    assertThat(pools.at("/resources/0/shortNames/0").asText()).isEqualTo("ipool");
    assertThat(pools.at("/resources/1/name").asText()).isEqualTo("ipaddresspools/status");
    assertThat(Discovery.resourceList(catalog, "nope/v1")).isEmpty();
    assertThat(Discovery.coreVersions("127.0.0.1:6443").path("versions")).isEqualTo(j("['v1']"));
  }

  @Test
  void openApiV3AdvertisesFieldValidationForEveryBuiltInKind() {
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    JsonNode root = OpenApiV3.root(catalog, List.of());
    assertThat(root.path("paths").has("api/v1")).isTrue();
    assertThat(root.at("/paths/apis~1apps~1v1/serverRelativeURL").asText()).startsWith("/openapi/v3/apis/apps/v1?hash=");
    JsonNode core = OpenApiV3.groupVersion(catalog, List.of(), "v1").orElseThrow();
    JsonNode patch = core.path("paths").path("/api/v1/namespaces/{namespace}/services/{name}").path("patch");
    assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Service");
    assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
    // No strategic-merge content type: kubectl then builds SMPs from its compiled-in types.
    assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isFalse();
    for (ApiResource r : catalog.all()) {
      JsonNode doc = OpenApiV3.groupVersion(catalog, List.of(), r.groupVersion()).orElseThrow();
      assertThat(doc.path("paths").findValues("kind").stream().map(JsonNode::asText)).contains(r.kind());
      assertThat(doc.at("/components/schemas").findValues("x-kubernetes-group-version-kind").stream()
          .map(gvk -> gvk.get(0).path("kind").asText()))
          .as("a schema for kubectl explain of %s", r.kind()).contains(r.kind());
    }
  }

  @Test
  void schemasForExplainComeFromTheModelAndFromCrds() {
    ResourceCatalog builtIn = ResourceCatalog.builtIn();
    JsonNode schemas = OpenApiV3.groupVersion(builtIn, List.of(), "v1").orElseThrow().at("/components/schemas");
    JsonNode spec = schemas.at("/io.fabric8.kubernetes.api.model.Service/properties/spec");
    assertThat(spec.path("$ref").asText()).isEqualTo("#/components/schemas/io.fabric8.kubernetes.api.model.ServiceSpec");
    JsonNode serviceSpec = schemas.path("io.fabric8.kubernetes.api.model.ServiceSpec").path("properties");
    assertThat(serviceSpec.at("/loadBalancerSourceRanges/items/type").asText()).isEqualTo("string");
    assertThat(serviceSpec.at("/ports/items/$ref").asText()).endsWith("ServicePort");
    assertThat(schemas.at("/io.fabric8.kubernetes.api.model.ServicePort/properties/targetPort/x-kubernetes-int-or-string")
        .asBoolean()).isTrue();
    assertThat(schemas.at("/io.fabric8.kubernetes.api.model.ServicePort/properties/port/type").asText())
        .isEqualTo("integer");

    JsonNode crd = j("""
        {'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',
         'metadata':{'name':'pools.example.com'},
         'spec':{'group':'example.com','scope':'Cluster','names':{'plural':'pools','kind':'Pool'},
           'versions':[{'name':'v1','served':true,'storage':true,'schema':{'openAPIV3Schema':
             {'type':'object','description':'A pool.','properties':{'spec':{'type':'object',
               'properties':{'size':{'type':'integer','description':'How big.'}}}}}}}]}}""");
    ResourceCatalog withCrd = ResourceCatalog.of(List.of(crd));
    assertThat(OpenApiV3.root(withCrd, List.of(crd)).path("paths").has("apis/example.com/v1")).isTrue();
    JsonNode pool = OpenApiV3.groupVersion(withCrd, List.of(crd), "example.com/v1").orElseThrow()
        .at("/components/schemas/com.example.v1.Pool");
    assertThat(pool.at("/properties/spec/properties/size/description").asText()).isEqualTo("How big.");
    assertThat(pool.at("/properties/metadata/$ref").asText()).endsWith("ObjectMeta");
    assertThat(pool.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("Pool");
  }

  @Test
  void cidrsAndCanonicalIpv6() {
    Cidr v6 = Cidr.parse("2001:db8:ffff::/112").orElseThrow();
    assertThat(Cidr.format(v6.at(1))).isEqualTo("2001:db8:ffff::1");
    assertThat(v6.contains(InetAddress.ofLiteral("2001:db8:ffff::ff"))).isTrue();
    assertThat(v6.contains(InetAddress.ofLiteral("2001:db8::1"))).isFalse();
    assertThat(Cidr.format(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
    assertThat(Cidr.format(InetAddress.ofLiteral("::"))).isEqualTo("::");
    Cidr v4 = Cidr.parse("203.0.113.0/24").orElseThrow();
    assertThat(Cidr.format(v4.at(255))).isEqualTo("203.0.113.255");
    assertThat(Cidr.parse("10.0.0.0/33")).isEmpty();
    assertThat(Cidr.parse("example.com/8")).isEmpty();
  }

  @Test
  void crdDefaultsAreApplied() {
    JsonNode schema = j("{'properties':{'spec':{'properties':{'autoAssign':{'type':'boolean','default':true},"
        + "'addresses':{'type':'array'}}}}}");
    JsonNode pool = j("{'spec':{'addresses':['192.0.2.0/24']}}");
    CrdDefaults.apply(schema, pool);
    assertThat(pool.at("/spec/autoAssign").asBoolean()).isTrue();
  }

  @Test
  void labelSelectorsIncludingSets() {
    JsonNode web = j("{'metadata':{'labels':{'app':'web','tier':'front'}}}");
    JsonNode db = j("{'metadata':{'labels':{'app':'db'}}}");
    assertThat(LabelSelector.parse("app=web").matches(web)).isTrue();
    assertThat(LabelSelector.parse("app==web,tier").matches(db)).isFalse();
    assertThat(LabelSelector.parse("app in (web, db)").matches(db)).isTrue();
    assertThat(LabelSelector.parse("app notin (web),!tier").matches(db)).isTrue();
    assertThat(LabelSelector.parse("app notin (web),!tier").matches(web)).isFalse();
    assertThat(LabelSelector.parse("tier!=front").matches(db)).isTrue();
    assertThat(LabelSelector.parse("").matches(db)).isTrue();
  }
}
