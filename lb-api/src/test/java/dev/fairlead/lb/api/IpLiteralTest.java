package dev.fairlead.lb.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
  @ParameterizedTest
  @CsvSource({
    "192.0.2.1, 192.0.2.1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:db8:0:0:0:0:0:0, 2001:db8::",
    "2001:DB8::ABCD, 2001:db8::abcd",
  })
  void formatsAsKubernetesShowsAddresses(String input, String expected) {
    assertThat(IpLiteral.format(InetAddress.ofLiteral(input))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0", "10.1", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "example.com", ""})
  void rejectsWhatKubernetesRejects(String input) {
    assertThatThrownBy(() -> IpLiteral.parse(input)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an IP address");
  }
}
