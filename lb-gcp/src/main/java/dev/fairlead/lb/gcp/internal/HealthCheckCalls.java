package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.DeleteHealthCheckRequest;
import com.google.cloud.compute.v1.HTTPHealthCheck;
import com.google.cloud.compute.v1.HealthCheck;
import com.google.cloud.compute.v1.InsertHealthCheckRequest;
import com.google.cloud.compute.v1.UpdateHealthCheckRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import java.util.Optional;

/**
 * Health checks: legacy {@code httpHealthChecks} for target pools, {@code healthChecks} for backend
 * services, both HTTP {@code /healthz} with upstream's timings; updated in place when they differ.
 */
final class HealthCheckCalls extends Calls {
  HealthCheckCalls(Calls base) {
    super(base);
  }

  Optional<Observed.HealthCheck> get(String name, boolean legacy) {
    if (legacy) {
      return find("httpHealthChecks.get", () -> clients.httpHealthChecks.get(project(), name))
          .map(h -> new Observed.HealthCheck(h.name(), h.port(), h.requestPath(), true));
    }
    return find("healthChecks.get", () -> clients.healthChecks.get(project(), name))
        .map(h -> new Observed.HealthCheck(h.getName(), h.getHttpHealthCheck().getPort(),
            h.getHttpHealthCheck().getRequestPath(), false));
  }

  /** Creates (or with {@code exists} updates) a check; a create that finds it existing updates it. */
  void write(LbModel.HealthCheck hc, boolean exists, String description) {
    if (!exists) {
      try {
        insert(hc, description);
        return;
      } catch (RuntimeException e) {
        if (!GcpErrors.alreadyExists(e)) {
          throw e;
        }
      }
    }
    update(hc, description);
  }

  private void insert(LbModel.HealthCheck hc, String description) {
    if (hc.legacy()) {
      write("httpHealthChecks.insert", "httpHealthChecks/" + hc.name() + " insert", CallKind.CREATE,
          () -> clients.httpHealthChecks.insert(project(), legacy(hc, description)));
    } else {
      write("healthChecks.insert", "healthChecks/" + hc.name() + " insert", CallKind.CREATE,
          () -> clients.healthChecks.insertCallable().call(InsertHealthCheckRequest.newBuilder()
              .setProject(project()).setHealthCheckResource(modern(hc, description)).build()));
    }
  }

  private void update(LbModel.HealthCheck hc, String description) {
    if (hc.legacy()) {
      write("httpHealthChecks.update", "httpHealthChecks/" + hc.name() + " update", CallKind.WRITE,
          () -> clients.httpHealthChecks.update(project(), hc.name(), legacy(hc, description)));
    } else {
      write("healthChecks.update", "healthChecks/" + hc.name() + " update", CallKind.WRITE,
          () -> clients.healthChecks.updateCallable().call(UpdateHealthCheckRequest.newBuilder()
              .setProject(project()).setHealthCheck(hc.name()).setHealthCheckResource(modern(hc, description)).build()));
    }
  }

  private static String legacy(LbModel.HealthCheck hc, String description) {
    return LegacyHttpHealthChecks.body(hc.name(), description, hc.port(), hc.path(), LbModel.HealthCheck.INTERVAL,
        LbModel.HealthCheck.TIMEOUT, LbModel.HealthCheck.HEALTHY, LbModel.HealthCheck.UNHEALTHY);
  }

  private static HealthCheck modern(LbModel.HealthCheck hc, String description) {
    return HealthCheck.newBuilder().setName(hc.name()).setDescription(description).setType("HTTP")
        .setHttpHealthCheck(HTTPHealthCheck.newBuilder().setPort(hc.port()).setRequestPath(hc.path()))
        .setCheckIntervalSec(LbModel.HealthCheck.INTERVAL).setTimeoutSec(LbModel.HealthCheck.TIMEOUT)
        .setHealthyThreshold(LbModel.HealthCheck.HEALTHY).setUnhealthyThreshold(LbModel.HealthCheck.UNHEALTHY).build();
  }

  /**
   * Deletes a check; one still used by another load balancer stays (that is how the shared check
   * is removed with the last Service that uses it).
   *
   * @return true if it is gone
   */
  boolean deleteIfUnused(String name, boolean legacy) {
    if (legacy) {
      return deleteUnlessInUse(() -> delete("httpHealthChecks.delete", "httpHealthChecks/" + name + " delete",
          () -> clients.httpHealthChecks.delete(project(), name)));
    }
    return deleteUnlessInUse(() -> delete("healthChecks.delete", "healthChecks/" + name + " delete",
        () -> clients.healthChecks.deleteCallable().call(DeleteHealthCheckRequest.newBuilder()
            .setProject(project()).setHealthCheck(name).build())));
  }
}
