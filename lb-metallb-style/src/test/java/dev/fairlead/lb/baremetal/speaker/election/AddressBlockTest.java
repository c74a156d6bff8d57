package dev.fairlead.lb.baremetal.speaker.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressBlockTest {
  @ParameterizedTest
  @CsvSource({
    "192.0.2.0/24, 192.0.2.0, true",
    "192.0.2.0/24, 192.0.2.255, true",
    "192.0.2.0/24, 192.0.3.0, false",
    "192.0.2.64/26, 192.0.2.127, true",
    "192.0.2.64/26, 192.0.2.128, false",
    "192.0.2.10-192.0.2.20, 192.0.2.10, true",
    "192.0.2.10-192.0.2.20, 192.0.2.20, true",
    "192.0.2.10-192.0.2.20, 192.0.2.21, false",
    "192.0.2.7, 192.0.2.7, true",
    "2001:db8::/64, 2001:db8::100, true",
    "2001:db8::/64, 2001:db8:0:1::1, false",
    "2001:db8::10-2001:db8::20, 2001:db8::1f, true",
    "192.0.2.0/24, 2001:db8::1, false",
    "2001:db8::/32, 192.0.2.1, false",
  })
  void containment(String block, String address, boolean inside) {
    assertThat(AddressBlock.parse(block).contains(InetAddress.ofLiteral(address))).isEqualTo(inside);
  }

  @ParameterizedTest
  @CsvSource({"192.0.2.0/33", "banana", "192.0.2.1-2001:db8::1", "192.0.2.0/x"})
  void malformed(String block) {
    assertThatThrownBy(() -> AddressBlock.parse(block)).isInstanceOf(IllegalArgumentException.class);
  }
}
