package dev.fairlead.lb.baremetal.speaker.net;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc socket calls the speaker needs, bound with the JDK's Foreign Function & Memory API
 * (no JNI, no native build step). Every call captures {@code errno} right after it returns, before
 * the JVM can overwrite it.
 */
// Native access is the point of this class; the JVM runs with --enable-native-access.
@SuppressWarnings("restricted")
final class Libc {
  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int SO_ATTACH_FILTER = 26;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_DROP_MEMBERSHIP = 2;
  static final int PACKET_MR_MULTICAST = 0;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  // IP sockets (BGP over TCP, BFD over UDP)
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int SOCK_STREAM = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_NONBLOCK = 0x800;
  static final int IPPROTO_IP = 0;
  static final int IPPROTO_TCP = 6;
  static final int IPPROTO_IPV6 = 41;
  static final int SO_REUSEADDR = 2;
  static final int SO_ERROR = 4;
  static final int IP_TOS = 1;
  static final int IP_TTL = 2;
  static final int IP_RECVTTL = 12;
  static final int IPV6_UNICAST_HOPS = 16;
  static final int IPV6_V6ONLY = 26;
  static final int IPV6_RECVHOPLIMIT = 51;
  static final int IPV6_HOPLIMIT = 52;
  static final int IPV6_TCLASS = 67;
  static final int TCP_MD5SIG = 14;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_NOSIGNAL = 0x4000;
  static final short POLLIN = 0x1;
  static final short POLLOUT = 0x4;
  static final int EINPROGRESS = 115;
  static final int SHUT_RDWR = 2;

  /** {@code struct sockaddr_ll}, 20 bytes. */
  static final int SOCKADDR_LL_SIZE = 20;

  /** {@code struct packet_mreq}, 16 bytes. */
  static final int PACKET_MREQ_SIZE = 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SOCKET = bind("socket", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
  private static final MethodHandle BIND = bind("bind", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
  private static final MethodHandle SETSOCKOPT = bind("setsockopt", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
      ValueLayout.JAVA_INT);
  private static final MethodHandle SEND = bind("send", ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
  private static final MethodHandle RECVFROM = bind("recvfrom", ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.ADDRESS);
  private static final MethodHandle CLOSE = bind("close", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT);
  private static final MethodHandle CONNECT = bind("connect", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
  private static final MethodHandle GETSOCKNAME = bind("getsockname", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
  private static final MethodHandle GETSOCKOPT = bind("getsockopt", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
      ValueLayout.ADDRESS);
  private static final MethodHandle POLL = bind("poll", ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
  private static final MethodHandle RECV = bind("recv", ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
  private static final MethodHandle SENDTO = bind("sendto", ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
      ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
  private static final MethodHandle RECVMSG = bind("recvmsg", ValueLayout.JAVA_LONG,
      ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
  private static final MethodHandle SHUTDOWN = bind("shutdown", ValueLayout.JAVA_INT,
      ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
  private static final MethodHandle STRERROR = LINKER.downcallHandle(
      LIBC.find("strerror").orElseThrow(),
      FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

  private Libc() {}

  private static MethodHandle bind(String name, ValueLayout result, MemoryLayout... args) {
    return LINKER.downcallHandle(
        LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name)),
        FunctionDescriptor.of(result, args),
        Linker.Option.captureCallState("errno"));
  }

  /** A call's result and the errno captured with it. */
  record Result(long value, int errno) {
    boolean failed() {
      return value < 0;
    }
  }

  static Result socket(int domain, int type, int protocol) {
    return call(state -> (int) SOCKET.invokeExact(state, domain, type, protocol));
  }

  static Result bind(int fd, MemorySegment address, int length) {
    return call(state -> (int) BIND.invokeExact(state, fd, address, length));
  }

  static Result setsockopt(int fd, int level, int name, MemorySegment value, int length) {
    return call(state -> (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length));
  }

  static Result send(int fd, MemorySegment buffer, long length) {
    return call(state -> (long) SEND.invokeExact(state, fd, buffer, length, 0));
  }

  static Result recvfrom(int fd, MemorySegment buffer, MemorySegment from, MemorySegment fromLength) {
    return call(state ->
        (long) RECVFROM.invokeExact(state, fd, buffer, buffer.byteSize(), 0, from, fromLength));
  }

  static Result close(int fd) {
    return call(state -> (int) CLOSE.invokeExact(state, fd));
  }

  static Result connect(int fd, MemorySegment address, int length) {
    return call(state -> (int) CONNECT.invokeExact(state, fd, address, length));
  }

  static Result getsockname(int fd, MemorySegment address, MemorySegment length) {
    return call(state -> (int) GETSOCKNAME.invokeExact(state, fd, address, length));
  }

  static Result getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
    return call(state -> (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, length));
  }

  /** {@code poll} on one descriptor; {@code pollfd} is 8 octets: fd, events, revents. */
  static Result poll(MemorySegment pollfd, int timeoutMillis) {
    return call(state -> (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis));
  }

  static Result recv(int fd, MemorySegment buffer, long length, int flags) {
    return call(state -> (long) RECV.invokeExact(state, fd, buffer, length, flags));
  }

  static Result send(int fd, MemorySegment buffer, long length, int flags) {
    return call(state -> (long) SEND.invokeExact(state, fd, buffer, length, flags));
  }

  static Result sendto(int fd, MemorySegment buffer, long length, int flags, MemorySegment to,
      int toLength) {
    return call(state -> (long) SENDTO.invokeExact(state, fd, buffer, length, flags, to, toLength));
  }

  static Result recvmsg(int fd, MemorySegment msghdr, int flags) {
    return call(state -> (long) RECVMSG.invokeExact(state, fd, msghdr, flags));
  }

  static Result shutdown(int fd, int how) {
    return call(state -> (int) SHUTDOWN.invokeExact(state, fd, how));
  }

  static String strerror(int errno) {
    try {
      MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
      return text.reinterpret(256).getString(0);
    } catch (Throwable e) {
      return "errno " + errno;
    }
  }

  @FunctionalInterface
  private interface NativeCall {
    long invoke(MemorySegment state) throws Throwable;
  }

  private static Result call(NativeCall call) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      long value = call.invoke(state);
      int errno = value < 0 ? (int) ERRNO.get(state, 0L) : 0;
      return new Result(value, errno);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  static short htons(int value) {
    return Short.reverseBytes((short) value);
  }
}
