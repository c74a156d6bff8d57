package dev.fairlead.lb.baremetal.speaker;

import dev.fairlead.lb.baremetal.speaker.membership.Keyring;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The membership keys from one Kubernetes Secret, kept current: a {@code get} by name, then a
 * {@code watch} on that name only (the speaker's RBAC names this one Secret). A change of the Secret
 * rekeys the running membership (rotation without restart). An invalid change is reported and
 * ignored: the last valid keys stay in use, so a typo in the Secret never partitions the speakers.
 */
final class MembershipSecret implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MembershipSecret.class);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final SpeakerMetrics metrics;
  private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("membership-secret").factory());
  private final Object lock = new Object();
  private Keyring current;
  private String lastError;
  private Consumer<Keyring> onChange = keys -> {};
  private Watch watch;
  private volatile boolean closed;

  MembershipSecret(KubernetesClient client, String namespace, String name, SpeakerMetrics metrics) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.metrics = metrics;
  }

  String reference() {
    return namespace + "/" + name;
  }

  /**
   * Reads the Secret, starts watching it and waits until it holds valid keys, logging what is
   * missing while it waits (the speaker is not ready meanwhile).
   *
   * @param onChange called with every later valid change
   * @return the first valid keys
   * @throws InterruptedException if interrupted while waiting
   */
  Keyring start(Consumer<Keyring> onChange) throws InterruptedException {
    this.onChange = onChange;
    startWatch(refresh());
    long lastLog = 0;
    while (!closed) {
      synchronized (lock) {
        if (current != null) {
          return current;
        }
        long now = System.nanoTime();
        if (lastLog == 0 || now - lastLog > Duration.ofSeconds(30).toNanos()) {
          lastLog = now;
          LOG.warn("waiting for membership keys in Secret {}: {}", reference(), lastError);
        }
        lock.wait(RETRY.toMillis());
        if (current != null) {
          return current;
        }
      }
      refresh(); // in case the watch is not delivering (yet)
    }
    throw new InterruptedException("closed");
  }

  /** Gets the Secret once; returns its resourceVersion, or null if it cannot be read. */
  private String refresh() {
    try {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) {
        noteError("the Secret does not exist (deploy/speaker creates it with the fairlead-speaker-key"
            + " Job, or: kubectl -n " + namespace + " create secret generic " + name
            + " --from-literal=key=\"$(head -c 32 /dev/urandom | base64)\")");
        return "";
      }
      accept(secret);
      return secret.getMetadata().getResourceVersion();
    } catch (RuntimeException e) {
      noteError("cannot read it: " + e.getMessage());
      return null;
    }
  }

  private void startWatch(String resourceVersion) {
    if (closed) {
      return;
    }
    ListOptionsBuilder options = new ListOptionsBuilder();
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      options.withResourceVersion(resourceVersion);
    }
    try {
      Watch next = client.secrets().inNamespace(namespace).withName(name)
          .watch(options.build(), new Watcher<>() {
            @Override
            public void eventReceived(Action action, Secret secret) {
              if (action == Action.DELETED) {
                LOG.error("Secret {} was deleted; the speaker keeps its current membership keys",
                    reference());
              } else if (action != Action.ERROR && action != Action.BOOKMARK) {
                accept(secret);
              }
            }

            @Override
            public void onClose(WatcherException cause) {
              if (!closed) {
                LOG.info("watch of Secret {} ended ({}); reading it again", reference(),
                    cause.getMessage());
                retry.schedule(() -> startWatch(refresh()), RETRY.toMillis(), TimeUnit.MILLISECONDS);
              }
            }
          });
      synchronized (lock) {
        if (watch != null) {
          watch.close();
        }
        watch = next;
      }
    } catch (RuntimeException e) {
      noteError("cannot watch it: " + e.getMessage());
      retry.schedule(() -> startWatch(refresh()), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void accept(Secret secret) {
    Optional<Keyring> parsed = parse(secret);
    if (parsed.isEmpty()) {
      return;
    }
    Keyring keys = parsed.get();
    boolean changed;
    synchronized (lock) {
      changed = current != null && !keys.equals(current);
      boolean first = current == null;
      current = keys;
      lastError = null;
      lock.notifyAll();
      if (first) {
        LOG.info("membership keys from Secret {}: {}", reference(), keys);
      }
    }
    metrics.keys(keys);
    if (changed) {
      LOG.info("membership keys changed in Secret {}: {}", reference(), keys);
      onChange.accept(keys);
    }
  }

  private Optional<Keyring> parse(Secret secret) {
    Map<String, byte[]> entries = new HashMap<>();
    try {
      if (secret.getData() != null) {
        secret.getData().forEach((k, v) -> entries.put(k, Base64.getDecoder().decode(v)));
      }
      if (secret.getStringData() != null) {
        secret.getStringData().forEach((k, v) -> entries.put(k, v.getBytes(StandardCharsets.UTF_8)));
      }
      return Optional.of(Keyring.fromSecret(entries));
    } catch (IllegalArgumentException e) {
      metrics.keyError();
      noteError("it is not usable: " + e.getMessage());
      synchronized (lock) {
        if (current != null) {
          LOG.error("Secret {} is not usable ({}); keeping the current membership keys {}",
              reference(), e.getMessage(), current);
        }
      }
      return Optional.empty();
    }
  }

  private void noteError(String error) {
    synchronized (lock) {
      lastError = error;
    }
  }

  @Override
  public void close() {
    closed = true;
    retry.shutdownNow();
    synchronized (lock) {
      if (watch != null) {
        watch.close();
      }
      lock.notifyAll();
    }
  }
}
