package dev.fairlead.kube.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.IpFamily;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestedAddressesTest {
  static final List<IpFamily> DUAL = List.of(IpFamily.IPV4, IpFamily.IPV6);

  @Test
  void eachSourceIsRead() {
    assertThat(RequestedAddresses.of(" 192.0.2.5 ", Map.of(), DUAL))
        .containsExactly(InetAddress.ofLiteral("192.0.2.5"));
    assertThat(RequestedAddresses.of(null, Map.of(RequestedAddresses.ANNOTATION, "192.0.2.5, 2001:db8::5"), DUAL))
        .containsExactly(InetAddress.ofLiteral("192.0.2.5"), InetAddress.ofLiteral("2001:db8::5"));
    assertThat(RequestedAddresses.of("", Map.of(RequestedAddresses.METALLB_ANNOTATION, "2001:db8::5"), DUAL))
        .containsExactly(InetAddress.ofLiteral("2001:db8::5"));
    assertThat(RequestedAddresses.of(null, Map.of("other", "x"), DUAL)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "not an address|10.0.0|||spec.loadBalancerIP|'10.0.0' is not an IP address",
    "combined|192.0.2.1|192.0.2.2||annotation fairlead.dev/load-balancer-ips|cannot be combined with spec.loadBalancerIP",
    "both annotations||192.0.2.1|192.0.2.2|annotation metallb.io/loadBalancerIPs|cannot be combined with annotation fairlead.dev/load-balancer-ips",
    "family twice||192.0.2.1,192.0.2.2||annotation fairlead.dev/load-balancer-ips|lists more than one IPv4 address",
    "wrong family|||2001:db8::1|annotation metallb.io/loadBalancerIPs|2001:db8::1 is IPv6 but the Service's ipFamilies are [IPv4]",
  })
  void badRequestsNameTheField(String name, String single, String ours, String metallb, String field, String reason) {
    Map<String, String> annotations = new java.util.HashMap<>();
    if (ours != null) {
      annotations.put(RequestedAddresses.ANNOTATION, ours);
    }
    if (metallb != null) {
      annotations.put(RequestedAddresses.METALLB_ANNOTATION, metallb);
    }
    assertThatThrownBy(() -> RequestedAddresses.of(single, annotations, List.of(IpFamily.IPV4)))
        .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.reason()).contains(reason);
        });
  }
}
