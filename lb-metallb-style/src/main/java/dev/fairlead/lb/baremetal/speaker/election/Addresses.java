package dev.fairlead.lb.baremetal.speaker.election;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Canonical text of addresses (RFC 5952 for IPv6), for the election key, logs and events. */
public final class Addresses {
  private Addresses() {}

  /**
   * Dotted quad for IPv4; for IPv6 the RFC 5952 form: lower-case hex without leading zeros, the
   * longest run of two or more zero groups (the first of equal runs) as {@code ::}, no zone.
   *
   * @param address an address
   * @return its canonical text, e.g. {@code 2001:db8::100}
   */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[i]));
    }
    return s.toString();
  }
}
