package dev.fairlead.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairlead.kube.fake.MergePatch;
import org.junit.jupiter.api.Test;

class StrategicMergeTest {

  private static JsonNode j(String json) {
    return Json.parse(json.replace('\'', '"'));
  }

  private static JsonNode apply(String original, String patch) {
    return StrategicMerge.apply(j(original), j(patch));
  }

  @Test
  void mapsMergeAndNullDeletes() {
    JsonNode out = apply("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'type':'ClusterIP'}}",
        "{'metadata':{'labels':{'b':null,'c':'3'}},'spec':{'type':'LoadBalancer'}}");
    assertThat(out).isEqualTo(j("{'metadata':{'labels':{'a':'1','c':'3'}},'spec':{'type':'LoadBalancer'}}"));
  }

  @Test
  void servicePortsMergeByPortAndKeepServerFields() {
    JsonNode out = apply(
        "{'spec':{'ports':[{'name':'http','port':80,'nodePort':30000,'protocol':'TCP'},"
            + "{'name':'https','port':443,'nodePort':30001,'protocol':'TCP'}]}}",
        "{'spec':{'ports':[{'port':80,'targetPort':8080}]}}");
    assertThat(out.at("/spec/ports")).hasSize(2);
    assertThat(out.at("/spec/ports/0/nodePort").asInt()).isEqualTo(30000);
    assertThat(out.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);
  }

  @Test
  void kubectlApplyPortChange() {
    // What kubectl apply sends when port 80 becomes 81 and a UDP port is added.
    JsonNode out = apply(
        "{'spec':{'ports':[{'name':'http','port':80,'nodePort':30000,'protocol':'TCP','targetPort':8080}]}}",
        "{'spec':{'$setElementOrder/ports':[{'port':81},{'port':53}],"
            + "'ports':[{'name':'http','port':81,'protocol':'TCP','targetPort':8080},"
            + "{'name':'dns','port':53,'protocol':'UDP'},{'$patch':'delete','port':80}]}}");
    assertThat(out.at("/spec/ports")).hasSize(2);
    assertThat(out.at("/spec/ports/0/port").asInt()).isEqualTo(81);
    assertThat(out.at("/spec/ports/0/nodePort").isMissingNode()).isTrue();
    assertThat(out.at("/spec/ports/1/port").asInt()).isEqualTo(53);
    assertThat(out.toString()).doesNotContain("$");
  }

  @Test
  void containersMergeByNameAndEnvByName() {
    JsonNode out = apply(
        "{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'a:1',"
            + "'env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}],'ports':[{'containerPort':80}]}]}}}}",
        "{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'a:2',"
            + "'env':[{'name':'Y','value':'3'}],'ports':[{'containerPort':80,'name':'http'}]}]}}}}");
    JsonNode app = out.at("/spec/template/spec/containers/0");
    assertThat(app.path("image").asText()).isEqualTo("a:2");
    assertThat(app.path("env")).hasSize(2);
    assertThat(app.at("/env/1/value").asText()).isEqualTo("3");
    assertThat(app.at("/ports/0/name").asText()).isEqualTo("http");
  }

  @Test
  void listsWithoutMergeKeyAreReplaced() {
    JsonNode out = apply("{'spec':{'loadBalancerSourceRanges':['192.0.2.0/24','198.51.100.0/24']}}",
        "{'spec':{'loadBalancerSourceRanges':['203.0.113.0/24']}}");
    assertThat(out.at("/spec/loadBalancerSourceRanges")).isEqualTo(j("['203.0.113.0/24']"));
  }

  @Test
  void finalizersMergeAsASetAndDeleteFromPrimitiveList() {
    JsonNode merged = apply("{'metadata':{'finalizers':['a']}}", "{'metadata':{'finalizers':['b','a']}}");
    assertThat(merged.at("/metadata/finalizers")).isEqualTo(j("['a','b']"));
    JsonNode removed = apply("{'metadata':{'finalizers':['a','b']}}",
        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}");
    assertThat(removed.at("/metadata/finalizers")).isEqualTo(j("['b']"));
  }

  @Test
  void patchReplaceAndDeleteDirectivesOnMaps() {
    JsonNode replaced = apply("{'spec':{'selector':{'a':'1','b':'2'}}}",
        "{'spec':{'selector':{'$patch':'replace','c':'3'}}}");
    assertThat(replaced.at("/spec/selector")).isEqualTo(j("{'c':'3'}"));
    JsonNode deleted = apply("{'spec':{'selector':{'a':'1'},'type':'X'}}",
        "{'spec':{'selector':{'$patch':'delete'}}}");
    assertThat(deleted.at("/spec")).isEqualTo(j("{'type':'X'}"));
  }

  @Test
  void replaceDirectiveInAList() {
    JsonNode out = apply("{'spec':{'ports':[{'port':80},{'port':81}]}}",
        "{'spec':{'ports':[{'port':82},{'$patch':'replace'}]}}");
    assertThat(out.at("/spec/ports")).isEqualTo(j("[{'port':82}]"));
  }

  @Test
  void retainKeysDropsOtherFields() {
    JsonNode out = apply("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}",
        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
    assertThat(out.at("/spec/strategy")).isEqualTo(j("{'type':'Recreate'}"));
  }

  @Test
  void unknownDirectivesAreNeverStored() {
    JsonNode out = apply("{}", "{'spec':{'$foo':'bar','ports':[{'port':1,'$bar':2}]}}");
    assertThat(out.toString()).doesNotContain("$");
  }

  @Test
  void mergePatchFollowsRfc7386() {
    JsonNode out = MergePatch.apply(j("{'a':{'b':1,'c':2},'d':[1,2]}"), j("{'a':{'b':null,'e':3},'d':[3]}"));
    assertThat(out).isEqualTo(j("{'a':{'c':2,'e':3},'d':[3]}"));
  }
}
