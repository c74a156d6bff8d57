package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Long-running operations: every mutation of the simulator returns one. Its effect is applied when
 * the operation completes, after the configured delay (0: at once, and the insert answer already
 * says {@code DONE}); an effect that fails, or a failure injected with {@link #failNext}, ends the
 * operation with an error and changes nothing. {@code GET .../operations/x} reads it, {@code POST
 * .../operations/x/wait} blocks until it is done or the wait limit passes, as the real API does.
 */
final class OperationEngine implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An injected failure: operations matching the predicate end with the error. */
  private record Injected(Predicate<ObjectNode> matches, ComputeError error, int[] remaining) {}

  private final ComputeStore store;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gcp-sim-operations");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Running> operations = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Injected> injected = new CopyOnWriteArrayList<>();
  private volatile Duration delay = Duration.ZERO;
  private volatile Duration maxWait = Duration.ofMinutes(2);

  private static final class Running {
    final ObjectNode op;
    final CountDownLatch done = new CountDownLatch(1);

    Running(ObjectNode op) {
      this.op = op;
    }
  }

  OperationEngine(ComputeStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  void delay(Duration value) {
    this.delay = value;
  }

  void maxWait(Duration value) {
    this.maxWait = value;
  }

  /**
   * Makes the next {@code times} operations that match end with {@code error}, without effect.
   *
   * @param matches tests the operation ({@code operationType}, {@code targetLink})
   * @param error the error
   * @param times how many
   */
  void failNext(Predicate<ObjectNode> matches, ComputeError error, int times) {
    injected.add(new Injected(matches, error, new int[] {times}));
  }

  void reset() {
    injected.clear();
  }

  /**
   * Starts an operation.
   *
   * @param scope the request's scope path ({@code projects/p/regions/r}), where the operation lives
   * @param type {@code insert}, {@code delete}, {@code addInstance}, ...
   * @param target the resource it changes
   * @param effect applied under the store lock when the operation completes; throws ComputeError to fail
   * @param cleanup run under the store lock after the operation ended, whatever the outcome
   * @return the operation as answered now
   */
  ObjectNode start(ResourcePath scope, String type, ResourcePath target, Function<ComputeStore, ?> effect,
      Runnable cleanup) {
    String name = "operation-" + clock.millis() + "-" + UUID.randomUUID().toString().substring(0, 13);
    ObjectNode op = JSON.createObjectNode();
    op.put("kind", "compute#operation");
    op.put("id", store.newId());
    op.put("name", name);
    op.put("operationType", type);
    op.put("targetLink", target.link());
    op.put("targetId", store.get(target.path()).map(r -> r.path("id").asText()).orElse(store.newId()));
    op.put("status", "RUNNING");
    op.put("user", "fairlead-sim@example.com");
    op.put("progress", 0);
    op.put("insertTime", clock.instant().toString());
    op.put("startTime", clock.instant().toString());
    String opScope = "projects/" + scope.project() + "/" + scope.scope();
    op.put("selfLink", ResourcePath.LINK_BASE + opScope + "/operations/" + name);
    scope.region().ifPresent(r -> op.put("region", ResourcePath.LINK_BASE + "projects/" + scope.project() + "/regions/" + r));
    scope.zone().ifPresent(z -> op.put("zone", ResourcePath.LINK_BASE + "projects/" + scope.project() + "/zones/" + z));
    Running running = new Running(op);
    operations.put(opScope + "/operations/" + name, running);
    Duration wait = delay;
    if (wait.isZero()) {
      complete(running, effect, cleanup);
    } else {
      timer.schedule(() -> complete(running, effect, cleanup), wait.toMillis(), TimeUnit.MILLISECONDS);
    }
    synchronized (running) {
      return running.op.deepCopy();
    }
  }

  /**
   * An operation as it is now.
   *
   * @param path {@code projects/p/<scope>/operations/<name>}
   * @return the operation
   */
  Optional<ObjectNode> get(String path) {
    Running running = operations.get(path);
    if (running == null) {
      return Optional.empty();
    }
    synchronized (running) {
      return Optional.of(running.op.deepCopy());
    }
  }

  /**
   * Waits until the operation is done or the wait limit passes, then answers it.
   *
   * @param path the operation's path
   * @return the operation
   * @throws InterruptedException if interrupted
   */
  Optional<ObjectNode> await(String path) throws InterruptedException {
    Running running = operations.get(path);
    if (running == null) {
      return Optional.empty();
    }
    running.done.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    return get(path);
  }

  private void complete(Running running, Function<ComputeStore, ?> effect, Runnable cleanup) {
    ComputeError failure = injectedFailure(running);
    if (failure == null) {
      try {
        store.locked(effect);
      } catch (ComputeError e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = ComputeError.internal();
      }
    }
    store.locked(s -> {
      cleanup.run();
      return null;
    });
    synchronized (running) {
      ObjectNode op = running.op;
      op.put("status", "DONE");
      op.put("progress", 100);
      op.put("endTime", clock.instant().toString());
      if (failure != null) {
        op.put("httpErrorStatusCode", failure.status());
        op.put("httpErrorMessage", failure.status() == 404 ? "NOT FOUND" : failure.status() == 403 ? "FORBIDDEN" : "BAD REQUEST");
        ObjectNode error = op.putObject("error").putArray("errors").addObject();
        error.put("code", failure.operationCode());
        error.put("message", failure.getMessage());
      }
    }
    running.done.countDown();
  }

  private ComputeError injectedFailure(Running running) {
    ObjectNode snapshot;
    synchronized (running) {
      snapshot = running.op.deepCopy();
    }
    for (Injected rule : injected) {
      if (rule.matches().test(snapshot)) {
        synchronized (rule.remaining()) {
          if (rule.remaining()[0] > 0) {
            rule.remaining()[0]--;
            return rule.error();
          }
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
