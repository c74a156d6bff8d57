package dev.fairlead.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiUseTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "GET|/api/v1/services?resourceVersion=0|core services list",
    "GET|/api/v1/services?allowWatchBookmarks=true&watch=true|core services watch",
    "GET|/api/v1/namespaces/shop/services/web|core services get",
    "PATCH|/api/v1/namespaces/shop/services/web/status|core services/status patch",
    "POST|/api/v1/namespaces/shop/events|core events create",
    "PUT|/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/fairlead|coordination.k8s.io leases update",
    "GET|/apis/baremetal.fairlead.dev/v1alpha1/ipaddresspools|baremetal.fairlead.dev ipaddresspools list",
    "GET|/api/v1/namespaces/default|core namespaces get",
    "GET|/api/v1/nodes/node-1|core nodes get",
  })
  void mapsRequestsToRbacTerms(String method, String path, String expected) {
    assertThat(ApiUse.of(method, path)).hasValueSatisfying(use -> assertThat(use).hasToString(expected));
  }
}
