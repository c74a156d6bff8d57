package dev.fairlead.lb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest
  @CsvSource({
    "192.0.2.7/24, 192.0.2.0/24, IPV4",
    "198.51.100.0/32, 198.51.100.0/32, IPV4",
    "0.0.0.0/0, 0.0.0.0/0, IPV4",
    "203.0.113.200/25, 203.0.113.128/25, IPV4",
    "2001:db8::1/32, 2001:db8::/32, IPV6",
    "2001:db8:1234::/47, 2001:db8:1234::/47, IPV6",
  })
  void parsesAndClearsHostBits(String text, String normalized, IpFamily family) {
    Cidr cidr = Cidr.parse(text);
    assertThat(cidr).hasToString(normalized);
    assertThat(cidr.family()).isEqualTo(family);
    assertThat(Cidr.parse(normalized)).isEqualTo(cidr);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "192.0.2.0", "192.0.2.0/", "/24", "192.0.2.0/33", "2001:db8::/129",
      "example.com/24", "192.0.2/24", "10.1/8", "192.0.2.0/-1", "192.0.2.0/abc", "300.0.2.0/24"})
  void rejectsWhatIsNotACidrNamingTheText(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "CIDR" : text);
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.0/24, 192.0.2.255, true",
    "192.0.2.0/24, 192.0.3.0, false",
    "192.0.2.0/24, 2001:db8::1, false",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
  })
  void containsMatchesThePrefixOfTheSameFamilyOnly(String cidr, String address, boolean expected) {
    assertThat(Cidr.parse(cidr).contains(InetAddress.ofLiteral(address))).isEqualTo(expected);
  }
}
