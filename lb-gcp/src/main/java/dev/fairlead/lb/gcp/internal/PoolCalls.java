package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.AddHealthCheckTargetPoolRequest;
import com.google.cloud.compute.v1.AddInstanceTargetPoolRequest;
import com.google.cloud.compute.v1.DeleteTargetPoolRequest;
import com.google.cloud.compute.v1.HealthCheckReference;
import com.google.cloud.compute.v1.InsertTargetPoolRequest;
import com.google.cloud.compute.v1.InstanceReference;
import com.google.cloud.compute.v1.RemoveHealthCheckTargetPoolRequest;
import com.google.cloud.compute.v1.RemoveInstanceTargetPoolRequest;
import com.google.cloud.compute.v1.TargetPool;
import com.google.cloud.compute.v1.TargetPoolsAddHealthCheckRequest;
import com.google.cloud.compute.v1.TargetPoolsAddInstanceRequest;
import com.google.cloud.compute.v1.TargetPoolsRemoveHealthCheckRequest;
import com.google.cloud.compute.v1.TargetPoolsRemoveInstanceRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.InstanceRef;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Target pools: created with up to {@link #CREATE_LIMIT} instances (upstream's figure), members then
 * changed with addInstance/removeInstance in batches of {@link #BATCH}, without reading the pool.
 */
final class PoolCalls extends Calls {
  /** Instances sent with the create. */
  static final int CREATE_LIMIT = 200;
  /** Instances per addInstance / removeInstance call. */
  static final int BATCH = 1000;

  PoolCalls(Calls base) {
    super(base);
  }

  Optional<Observed.Pool> get(String name) {
    return find("targetPools.get", () -> clients.targetPools.get(project(), region(), name)).map(PoolCalls::observed);
  }

  static Observed.Pool observed(TargetPool p) {
    Set<InstanceRef> members = new HashSet<>();
    p.getInstancesList().forEach(link -> InstanceRef.fromLink(link).ifPresent(members::add));
    return new Observed.Pool(p.getName(), p.getSessionAffinity().isEmpty() ? "NONE" : p.getSessionAffinity(),
        p.getHealthChecksList().stream().map(Calls::last).toList(), members);
  }

  /** Every pool of the region whose name looks like a load balancer's, by name: one list call per 500. */
  Map<String, Observed.Pool> listLoadBalancerPools() {
    Map<String, Observed.Pool> out = new TreeMap<>();
    String token = "";
    do {
      String page = token;
      var list = read("targetPools.list", () -> clients.targetPools.listCallable().call(
          com.google.cloud.compute.v1.ListTargetPoolsRequest.newBuilder().setProject(project()).setRegion(region())
              .setFilter("name eq \"a[0-9a-f]{31}\"").setMaxResults(500).setPageToken(page).build()));
      list.getItemsList().forEach(p -> out.put(p.getName(), observed(p)));
      token = list.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  void create(LbModel.TargetPool pool, List<InstanceRef> instances, String description) {
    List<InstanceRef> first = instances.subList(0, Math.min(CREATE_LIMIT, instances.size()));
    TargetPool.Builder b = TargetPool.newBuilder().setName(pool.name()).setDescription(description)
        .setSessionAffinity(pool.sessionAffinity()).addHealthChecks(global("httpHealthChecks", pool.healthCheck()));
    first.forEach(i -> b.addInstances(i.path()));
    write("targetPools.insert", "targetPools/" + pool.name() + " insert", CallKind.CREATE,
        () -> clients.targetPools.insertCallable().call(InsertTargetPoolRequest.newBuilder().setProject(project())
            .setRegion(region()).setTargetPoolResource(b).build()));
    if (instances.size() > first.size()) {
      add(pool.name(), instances.subList(first.size(), instances.size()));
    }
  }

  void add(String pool, List<InstanceRef> instances) {
    for (int from = 0; from < instances.size(); from += BATCH) {
      List<InstanceRef> batch = instances.subList(from, Math.min(instances.size(), from + BATCH));
      TargetPoolsAddInstanceRequest.Builder body = TargetPoolsAddInstanceRequest.newBuilder();
      batch.forEach(i -> body.addInstances(InstanceReference.newBuilder().setInstance(i.path())));
      write("targetPools.addInstance", "targetPools/" + pool + " addInstance", CallKind.WRITE,
          () -> clients.targetPools.addInstanceCallable().call(AddInstanceTargetPoolRequest.newBuilder()
              .setProject(project()).setRegion(region()).setTargetPool(pool)
              .setTargetPoolsAddInstanceRequestResource(body).build()));
    }
  }

  void remove(String pool, List<InstanceRef> instances) {
    for (int from = 0; from < instances.size(); from += BATCH) {
      List<InstanceRef> batch = instances.subList(from, Math.min(instances.size(), from + BATCH));
      TargetPoolsRemoveInstanceRequest.Builder body = TargetPoolsRemoveInstanceRequest.newBuilder();
      batch.forEach(i -> body.addInstances(InstanceReference.newBuilder().setInstance(i.path())));
      write("targetPools.removeInstance", "targetPools/" + pool + " removeInstance", CallKind.WRITE,
          () -> clients.targetPools.removeInstanceCallable().call(RemoveInstanceTargetPoolRequest.newBuilder()
              .setProject(project()).setRegion(region()).setTargetPool(pool)
              .setTargetPoolsRemoveInstanceRequestResource(body).build()));
    }
  }

  void setHealthCheck(String pool, List<String> remove, String add) {
    if (!remove.isEmpty()) {
      TargetPoolsRemoveHealthCheckRequest.Builder body = TargetPoolsRemoveHealthCheckRequest.newBuilder();
      remove.forEach(h -> body.addHealthChecks(HealthCheckReference.newBuilder().setHealthCheck(global("httpHealthChecks", h))));
      write("targetPools.removeHealthCheck", "targetPools/" + pool + " removeHealthCheck", CallKind.WRITE,
          () -> clients.targetPools.removeHealthCheckCallable().call(RemoveHealthCheckTargetPoolRequest.newBuilder()
              .setProject(project()).setRegion(region()).setTargetPool(pool)
              .setTargetPoolsRemoveHealthCheckRequestResource(body).build()));
    }
    write("targetPools.addHealthCheck", "targetPools/" + pool + " addHealthCheck", CallKind.WRITE,
        () -> clients.targetPools.addHealthCheckCallable().call(AddHealthCheckTargetPoolRequest.newBuilder()
            .setProject(project()).setRegion(region()).setTargetPool(pool)
            .setTargetPoolsAddHealthCheckRequestResource(TargetPoolsAddHealthCheckRequest.newBuilder()
                .addHealthChecks(HealthCheckReference.newBuilder().setHealthCheck(global("httpHealthChecks", add))))
            .build()));
  }

  void delete(String name) {
    delete("targetPools.delete", "targetPools/" + name + " delete",
        () -> clients.targetPools.deleteCallable().call(DeleteTargetPoolRequest.newBuilder().setProject(project())
            .setRegion(region()).setTargetPool(name).build()));
  }
}
