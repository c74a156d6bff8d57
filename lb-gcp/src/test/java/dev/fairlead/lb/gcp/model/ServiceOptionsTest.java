package dev.fairlead.lb.gcp.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceOptionsTest {
  static ServiceOptions of(Map<String, String> annotations) {
    return ServiceOptions.of(ModelTestData.SPECS.forNewService().annotations(annotations).build());
  }

  @Test
  void externalPremiumByDefault() {
    assertThat(of(Map.of())).isEqualTo(new ServiceOptions(false, ServiceOptions.Tier.PREMIUM, Optional.empty(), false));
  }

  @ParameterizedTest(name = "{0}: {1} -> internal {2}")
  @CsvSource({
      "networking.gke.io/load-balancer-type,Internal,true",
      "networking.gke.io/load-balancer-type,internal,true",
      "cloud.google.com/load-balancer-type,Internal,true",
      "networking.gke.io/load-balancer-type,External,false"
  })
  void loadBalancerType(String key, String value, boolean internal) {
    assertThat(of(Map.of(key, value)).internal()).isEqualTo(internal);
  }

  @Test
  void internalOptions() {
    ServiceOptions o = of(Map.of(ServiceOptions.TYPE, "Internal", ServiceOptions.ILB_SUBNET, "lb-subnet",
        ServiceOptions.ILB_GLOBAL_ACCESS, "true"));
    assertThat(o.subnetwork()).hasValue("lb-subnet");
    assertThat(o.allowGlobalAccess()).isTrue();
    assertThat(of(Map.of(ServiceOptions.NETWORK_TIER, "Standard")).tier()).isEqualTo(ServiceOptions.Tier.STANDARD);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "networking.gke.io/load-balancer-type|Middle|networking.gke.io/load-balancer-type: 'Middle' is not a load-balancer type",
      "cloud.google.com/network-tier|Gold|cloud.google.com/network-tier: 'Gold' is not a tier",
      "networking.gke.io/internal-load-balancer-subnet|sub|applies to internal load balancers only",
      "networking.gke.io/internal-load-balancer-allow-global-access|yes|must be true or false",
      "networking.gke.io/internal-load-balancer-allow-global-access|true|applies to internal load balancers only",
      "cloud.google.com/l4-rbs|enabled|cloud.google.com/l4-rbs"
  })
  void invalidAnnotationsAreNamed(String key, String value, String message) {
    assertThatThrownBy(() -> of(Map.of(key, value))).isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining(message);
  }

  @Test
  void standardTierIsExternalOnly() {
    assertThatThrownBy(() -> of(Map.of(ServiceOptions.TYPE, "Internal", ServiceOptions.NETWORK_TIER, "Standard")))
        .hasMessageContaining("internal load balancers have no network tier");
  }
}
