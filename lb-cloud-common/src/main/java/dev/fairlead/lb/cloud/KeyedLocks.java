package dev.fairlead.lb.cloud;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key (a Service UID, a shared load balancer's name), created on first use and dropped
 * when nobody holds or waits for it, so a long-lived provider does not keep a lock per Service it
 * ever saw.
 *
 * <pre>{@code
 * try (KeyedLocks.Held held = locks.lock(service.uid())) {
 *   ...
 * }
 * }</pre>
 */
public final class KeyedLocks {
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  /** A held lock; closing it unlocks. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Locks {@code key}, waiting if another thread holds it. Interruptible.
   *
   * @param key the key
   * @return the held lock
   * @throws InterruptedException if interrupted while waiting
   */
  public Held lock(String key) throws InterruptedException {
    Entry entry =
        entries.compute(
            key,
            (k, existing) -> {
              Entry e = existing == null ? new Entry() : existing;
              e.users++;
              return e;
            });
    try {
      entry.lock.lockInterruptibly();
    } catch (InterruptedException e) {
      release(key);
      throw e;
    }
    return () -> {
      entry.lock.unlock();
      release(key);
    };
  }

  /**
   * How many keys have a lock right now (for tests).
   *
   * @return the number of live entries
   */
  public int size() {
    return entries.size();
  }

  private void release(String key) {
    entries.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
  }
}
