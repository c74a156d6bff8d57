package dev.fairlead.lb.baremetal.speaker.election;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5952 §4 examples and edge cases (the same text Go's net.IP.String() gives). */
class AddressesTest {
  @ParameterizedTest
  @CsvSource({
    "192.0.2.100, 192.0.2.100",
    "2001:0db8:0000:0000:0000:0000:0000:0100, 2001:db8::100",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:db8::, 2001:db8::",
    "::1, ::1",
    "::, ::",
    "fe80::ABCD:1, fe80::abcd:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
  })
  void canonicalText(String in, String out) {
    assertThat(Addresses.format(InetAddress.ofLiteral(in))).isEqualTo(out);
  }
}
