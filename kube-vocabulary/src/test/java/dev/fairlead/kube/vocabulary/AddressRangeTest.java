package dev.fairlead.kube.vocabulary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressRangeTest {
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
    "192.0.2.77/24, 192.0.2.1, true",
    "2001:db8::7, 2001:db8::7, true",
    "2001:db8::7, 2001:db8::8, false",
  })
  void containment(String block, String address, boolean inside) {
    assertThat(AddressRange.parse(block).contains(InetAddress.ofLiteral(address))).isEqualTo(inside);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "192.0.2.0/33|prefix length 33 is outside 0-32",
    "banana|'banana' is not an IP address",
    "192.0.2.1-2001:db8::1|mixes IPv4 and IPv6",
    "192.0.2.0/x|'192.0.2.0/x' is not a CIDR",
    "192.0.2.20-192.0.2.10|ends before it starts",
    "10.1/16|'10.1/16' is not a CIDR",
    "192.0.2.1-|'' is not an IP address",
  })
  void malformedEntriesNameTheProblem(String block, String problem) {
    assertThatThrownBy(() -> AddressRange.parse(block))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + block + "' is not a CIDR (192.0.2.0/24), a range")
        .hasMessageContaining(problem);
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.0/28, 16, 192.0.2.0-192.0.2.15",
    "192.0.2.7, 1, 192.0.2.7",
    "2001:db8::/64, 18446744073709551616, 2001:db8::-2001:db8::ffff:ffff:ffff:ffff",
    "2001:DB8:0:0::10-2001:db8::1f, 16, 2001:db8::10-2001:db8::1f",
  })
  void sizesAreExactAndAddressesPrintInRfc5952Form(String block, String size, String text) {
    AddressRange range = AddressRange.parse(block);
    assertThat(range.size()).isEqualTo(new java.math.BigInteger(size));
    assertThat(range).hasToString(text);
  }

  @org.junit.jupiter.api.Test
  void overlapsAndOffsets() {
    AddressRange a = AddressRange.parse("192.0.2.0/28");
    assertThat(a.overlaps(AddressRange.parse("192.0.2.15"))).isTrue();
    assertThat(a.overlaps(AddressRange.parse("192.0.2.16-192.0.2.20"))).isFalse();
    assertThat(a.overlaps(AddressRange.parse("2001:db8::/120"))).isFalse();
    assertThat(a.at(java.math.BigInteger.valueOf(5))).isEqualTo(InetAddress.ofLiteral("192.0.2.5"));
  }
}
