package dev.fairlead.lb.baremetal.speaker.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A non-blocking IP socket descriptor shared by one reading thread, one writing thread and whoever
 * closes it. Calls wait in {@code poll} slices, so {@link #close()} never waits on a blocked call,
 * and the descriptor is released by the last call still using it, so its number is never reused
 * under a running call.
 */
class NativeSocket implements AutoCloseable {
  /** How long one {@code poll} waits before re-checking whether the socket was closed. */
  static final int SLICE_MILLIS = 100;

  final int fd;
  final String description;
  private final Object lock = new Object();
  private int inFlight;
  private boolean closed;
  private boolean released;

  NativeSocket(int fd, String description) {
    this.fd = fd;
    this.description = description;
  }

  /** Opens a non-blocking, close-on-exec socket. */
  static int open(int family, int type, String description) throws IOException {
    Libc.Result r = Libc.socket(family, type | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
    if (r.failed()) {
      throw error("socket() for " + description, r.errno());
    }
    return (int) r.value();
  }

  void acquire() throws IOException {
    synchronized (lock) {
      if (closed) {
        throw new IOException(description + " is closed");
      }
      inFlight++;
    }
  }

  void release() {
    synchronized (lock) {
      inFlight--;
      if (closed && inFlight == 0) {
        releaseNative();
      }
    }
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void releaseNative() {
    if (!released) {
      released = true;
      Libc.close(fd);
    }
  }

  void setInt(int level, int option, int value, String name) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
      check(Libc.setsockopt(fd, level, option, v, 4), name);
    }
  }

  void bind(InetSocketAddress address) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sa = arena.allocate(SocketAddresses.MAX_LENGTH);
      int length = SocketAddresses.write(sa, address);
      check(Libc.bind(fd, sa, length), "bind to " + address);
    }
  }

  InetSocketAddress localAddress() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment sa = arena.allocate(SocketAddresses.MAX_LENGTH);
      MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, SocketAddresses.MAX_LENGTH);
      check(Libc.getsockname(fd, sa, length), "getsockname");
      return SocketAddresses.read(sa);
    }
  }

  /**
   * Waits until the socket is ready for {@code events} or the slice ends.
   *
   * @return true if ready
   */
  boolean poll(short events, int timeoutMillis) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollfd = arena.allocate(8);
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, events);
      Libc.Result r = Libc.poll(pollfd, timeoutMillis);
      if (r.failed()) {
        if (r.errno() == Libc.EINTR) {
          return false;
        }
        throw error("poll on " + description, r.errno());
      }
      return r.value() > 0;
    }
  }

  int pendingError() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment length = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
      check(Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ERROR, v, length), "SO_ERROR");
      return v.get(ValueLayout.JAVA_INT, 0);
    }
  }

  void check(Libc.Result result, String what) throws IOException {
    if (result.failed()) {
      throw error(what + " on " + description, result.errno());
    }
  }

  static IOException error(String what, int errno) {
    return new IOException(what + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
  }

  static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
  }

  /** Closes; calls in progress return within one poll slice. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      Libc.shutdown(fd, Libc.SHUT_RDWR);
      if (inFlight == 0) {
        releaseNative();
      }
    }
  }
}
