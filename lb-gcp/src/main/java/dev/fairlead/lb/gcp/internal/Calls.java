package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.Operation;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.api.RetryLaterException;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.GcpSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every executor shares: the clients, the gate every call passes, and waiting for operations.
 * A write returns an operation; {@link #write} waits for it with {@code operations.wait} (the
 * server-side long poll, one request per operation that finishes within it) and turns an operation
 * that ended in error into an exception that names the resource and the reason.
 */
class Calls {
  final ComputeClients clients;
  final CallGate gate;
  final GcpSettings settings;
  final Clock clock;

  Calls(ComputeClients clients, CallGate gate, GcpSettings settings, Clock clock) {
    this.clients = clients;
    this.gate = gate;
    this.settings = settings;
    this.clock = clock;
  }

  Calls(Calls other) {
    this(other.clients, other.gate, other.settings, other.clock);
  }

  String project() {
    return settings.project();
  }

  String region() {
    return settings.region();
  }

  /** A read; a 404 is empty. */
  <T> Optional<T> find(String operation, Supplier<T> call) {
    try {
      return Optional.of(gate.call(operation, CallKind.READ, call));
    } catch (RuntimeException e) {
      if (GcpErrors.notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  <T> T read(String operation, Supplier<T> call) {
    return gate.call(operation, CallKind.READ, call);
  }

  /**
   * A mutation and its operation.
   *
   * @param operation the API operation name, for metrics
   * @param what the resource and action, for messages ({@code targetPools/a1 insert})
   * @param kind CREATE for inserts (not repeated blindly), WRITE otherwise
   * @param call the SDK call
   */
  void write(String operation, String what, CallKind kind, Supplier<Operation> call) {
    Operation op = gate.call(operation, kind, call);
    await(what, op);
  }

  /** A delete that tolerates a resource already gone, also when the operation says so. */
  void delete(String operation, String what, Supplier<Operation> call) {
    try {
      write(operation, what, CallKind.WRITE, call);
    } catch (OperationFailedException e) {
      if (!e.code().equals("RESOURCE_NOT_FOUND")) {
        throw e;
      }
    } catch (RuntimeException e) {
      if (!GcpErrors.notFound(e)) {
        throw e;
      }
    }
  }

  /**
   * Runs a delete that Compute may refuse while another resource still uses the target: that
   * refusal answers false (the shared health check and instance groups stay while in use).
   */
  static boolean deleteUnlessInUse(Runnable delete) {
    try {
      delete.run();
      return true;
    } catch (OperationFailedException e) {
      if (e.code().contains("IN_USE")) {
        return false;
      }
      throw e;
    } catch (RuntimeException e) {
      if (GcpErrors.inUse(e)) {
        return false;
      }
      throw e;
    }
  }

  /** A delete refused while in use (a rule still being deleted) is worth another try soon. */
  static void deleteOrRetryLater(Runnable delete, String what) {
    if (!deleteUnlessInUse(delete)) {
      throw new RetryLaterException(what + " is still in use; trying again", Duration.ofSeconds(5));
    }
  }

  /** Waits until an operation is done; RetryLater if it runs longer than the settings allow. */
  void await(String what, Operation first) {
    Operation op = first;
    Instant deadline = clock.instant().plus(settings.operationTimeout());
    while (op.getStatus() != Operation.Status.DONE) {
      if (clock.instant().isAfter(deadline)) {
        throw new RetryLaterException(what + " is still running after " + settings.operationTimeout().toSeconds()
            + " s (operation " + op.getName() + "); waiting for it", Duration.ofSeconds(30));
      }
      Operation current = op;
      op = gate.call("operations.wait", CallKind.READ, () -> waitOnce(current));
    }
    if (op.hasError() && op.getError().getErrorsCount() > 0) {
      var error = op.getError().getErrors(0);
      throw new OperationFailedException(what, error.getCode(), error.getMessage());
    }
  }

  private Operation waitOnce(Operation op) {
    if (!op.getZone().isEmpty()) {
      return clients.zoneOperations.wait(project(), last(op.getZone()), op.getName());
    }
    if (!op.getRegion().isEmpty()) {
      return clients.regionOperations.wait(project(), last(op.getRegion()), op.getName());
    }
    return clients.globalOperations.wait(project(), op.getName());
  }

  static String last(String link) {
    return link.substring(link.lastIndexOf('/') + 1);
  }

  String global(String collection, String name) {
    return "projects/" + project() + "/global/" + collection + "/" + name;
  }

  String regional(String collection, String name) {
    return "projects/" + project() + "/regions/" + region() + "/" + collection + "/" + name;
  }

  /** An operation that ended in error: quota, resource in use, invalid field, ... */
  static final class OperationFailedException extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final String code;

    OperationFailedException(String what, String code, String message) {
      super(what + " failed: " + code + ": " + message);
      this.code = code;
    }

    String code() {
      return code;
    }

    ProviderFailureException toFailure() {
      return ProviderFailureException.userError(getMessage());
    }
  }
}
