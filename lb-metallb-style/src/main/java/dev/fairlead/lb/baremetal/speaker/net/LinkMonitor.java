package dev.fairlead.lb.baremetal.speaker.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the speaker when interfaces may have changed: a VLAN added, a NIC renamed, a link coming up,
 * an address (IPv6 link-local included) added or removed. It subscribes to the kernel's rtnetlink
 * multicast groups for links and addresses (a {@code NETLINK_ROUTE} socket, no capability needed)
 * and calls back on every notification, so a change is seen within milliseconds instead of at the
 * next poll (MetalLB scans every 10 s). It does not parse the messages: the caller re-reads the
 * interfaces, which is cheap and can never disagree with the kernel. As a safety net against
 * dropped notifications ({@code ENOBUFS}) the callback also runs every {@code fallback}.
 */
public final class LinkMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);
  private static final int RTMGRP_LINK = 0x1;
  private static final int RTMGRP_IPV4_IFADDR = 0x10;
  private static final int RTMGRP_IPV6_IFADDR = 0x100;
  private static final Duration POLL = Duration.ofMillis(500);

  private final Runnable onChange;
  private final Duration fallback;
  private volatile boolean running = true;
  private final Thread thread;

  /**
   * Starts watching.
   *
   * @param onChange called (on the monitor's thread) after each batch of notifications and every
   *     {@code fallback}
   * @param fallback the longest time between two calls
   */
  public LinkMonitor(Runnable onChange, Duration fallback) {
    this.onChange = onChange;
    this.fallback = fallback;
    this.thread = Thread.ofPlatform().daemon().name("link-monitor").start(this::run);
  }

  private void run() {
    int fd = -1;
    try (Arena arena = Arena.ofConfined()) {
      fd = subscribe(arena);
      MemorySegment buffer = arena.allocate(16384);
      MemorySegment from = arena.allocate(Libc.SOCKADDR_NL_SIZE);
      MemorySegment fromLength = arena.allocate(ValueLayout.JAVA_INT);
      long lastCall = System.nanoTime();
      while (running) {
        fromLength.set(ValueLayout.JAVA_INT, 0, Libc.SOCKADDR_NL_SIZE);
        Libc.Result r = Libc.recvfrom(fd, buffer, from, fromLength);
        boolean notified = !r.failed() && r.value() > 0;
        if (r.failed() && r.errno() != Libc.EAGAIN && r.errno() != Libc.EINTR) {
          LOG.debug("netlink receive: {}", Libc.strerror(r.errno())); // ENOBUFS: messages lost
          notified = true;
        }
        long now = System.nanoTime();
        if (notified || now - lastCall >= fallback.toNanos()) {
          lastCall = now;
          call();
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot subscribe to interface changes ({}); checking every {} s instead",
          e.getMessage(), fallback.toSeconds());
      poll();
    } finally {
      if (fd >= 0) {
        Libc.close(fd);
      }
    }
  }

  private int subscribe(Arena arena) throws IOException {
    Libc.Result socket = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC,
        Libc.NETLINK_ROUTE);
    if (socket.failed()) {
      throw new IOException("socket(AF_NETLINK): " + Libc.strerror(socket.errno()));
    }
    int fd = (int) socket.value();
    MemorySegment timeout = arena.allocate(16);
    timeout.set(ValueLayout.JAVA_LONG, 0, POLL.toSeconds());
    timeout.set(ValueLayout.JAVA_LONG, 8, POLL.toMillisPart() * 1000L);
    Libc.Result option = Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16);
    MemorySegment address = arena.allocate(Libc.SOCKADDR_NL_SIZE);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
    address.set(ValueLayout.JAVA_INT, 8, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
    Libc.Result bound = Libc.bind(fd, address, Libc.SOCKADDR_NL_SIZE);
    if (option.failed() || bound.failed()) {
      Libc.close(fd);
      throw new IOException("netlink setup: "
          + Libc.strerror(option.failed() ? option.errno() : bound.errno()));
    }
    return fd;
  }

  private void poll() {
    while (running) {
      try {
        Thread.sleep(fallback.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      call();
    }
  }

  private void call() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.error("interface check failed", e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
