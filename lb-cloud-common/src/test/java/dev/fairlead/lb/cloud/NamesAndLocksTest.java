package dev.fairlead.lb.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.ServiceKey;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NamesAndLocksTest {

  @Test
  void upstreamNameIsAPlusTheUidWithoutDashesCutTo32() {
    ServiceKey key = new ServiceKey("ns", "web", "4D6F1B2C-3E5F-6071-8293-A4B5C6D7E8F9");
    assertThat(UpstreamNames.loadBalancerName(key))
        .isEqualTo("a4d6f1b2c3e5f60718293a4b5c6d7e8f")
        .hasSize(32);
    assertThat(UpstreamNames.loadBalancerName(new ServiceKey("ns", "web", "short-uid")))
        .isEqualTo("ashortuid");
  }

  @Test
  void fingerprintsSeparateTheirParts() {
    assertThat(Fingerprint.sha256("ab", "c")).isNotEqualTo(Fingerprint.sha256("a", "bc")).hasSize(64);
    assertThat(Fingerprint.prefix(10, "x")).isEqualTo(Fingerprint.sha256("x").substring(0, 10));
  }

  @Test
  void aKeyedLockExcludesOthersOfTheSameKeyOnlyAndIsDroppedWhenFree() throws Exception {
    KeyedLocks locks = new KeyedLocks();
    CountDownLatch otherKeyDone = new CountDownLatch(1);
    AtomicBoolean sameKeyEntered = new AtomicBoolean();
    Thread sameKey;
    try (KeyedLocks.Held held = locks.lock("a")) {
      Thread.ofVirtual().start(() -> {
        try (KeyedLocks.Held b = locks.lock("b")) {
          otherKeyDone.countDown();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(otherKeyDone.await(5, TimeUnit.SECONDS)).isTrue();
      sameKey = Thread.ofVirtual().start(() -> {
        try (KeyedLocks.Held a = locks.lock("a")) {
          sameKeyEntered.set(true);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      sameKey.join(200);
      assertThat(sameKeyEntered).isFalse();
    }
    sameKey.join(5000);
    assertThat(sameKeyEntered).isTrue();
    assertThat(locks.size()).isZero();
  }
}
