package dev.fairlead.lb.baremetal.speaker.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** {@code struct sockaddr_in} and {@code sockaddr_in6} in native memory. */
final class SocketAddresses {
  /** Room for either form. */
  static final int MAX_LENGTH = 28;

  private static final ValueLayout.OfShort PORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private SocketAddresses() {}

  static int family(InetAddress address) {
    return address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6;
  }

  /** Writes the address at offset 0 of {@code out} (at least 28 octets, zeroed) and returns its length. */
  static int write(MemorySegment out, InetSocketAddress socketAddress) {
    InetAddress address = socketAddress.getAddress();
    out.set(ValueLayout.JAVA_SHORT, 0, (short) family(address));
    out.set(PORT, 2, (short) socketAddress.getPort());
    byte[] raw = address.getAddress();
    if (address instanceof Inet4Address) {
      MemorySegment.copy(raw, 0, out, ValueLayout.JAVA_BYTE, 4, 4);
      return 16;
    }
    MemorySegment.copy(raw, 0, out, ValueLayout.JAVA_BYTE, 8, 16);
    if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      out.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
    }
    return 28;
  }

  /** Reads a {@code sockaddr_in} or {@code sockaddr_in6}. */
  static InetSocketAddress read(MemorySegment in) {
    int family = in.get(ValueLayout.JAVA_SHORT, 0);
    int port = in.get(PORT, 2) & 0xffff;
    byte[] raw = family == Libc.AF_INET
        ? in.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)
        : in.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
    try {
      return new InetSocketAddress(InetAddress.getByAddress(raw), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
