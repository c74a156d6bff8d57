package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.Backend;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.DeleteRegionBackendServiceRequest;
import com.google.cloud.compute.v1.InsertRegionBackendServiceRequest;
import com.google.cloud.compute.v1.UpdateRegionBackendServiceRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.LbModel;
import dev.fairlead.lb.gcp.model.Observed;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Regional INTERNAL backend services on the cluster's shared instance groups. */
final class BackendServiceCalls extends Calls {
  BackendServiceCalls(Calls base) {
    super(base);
  }

  Optional<Observed.BackendService> get(String name) {
    return find("regionBackendServices.get", () -> clients.backendServices.get(project(), region(), name)).map(b -> {
      Set<String> zones = new HashSet<>();
      b.getBackendsList().forEach(backend -> {
        String group = backend.getGroup();
        int at = group.indexOf("/zones/");
        if (at >= 0) {
          zones.add(group.substring(at + 7, group.indexOf('/', at + 7)));
        }
      });
      return new Observed.BackendService(b.getName(), b.getProtocol(), b.getSessionAffinity().isEmpty() ? "NONE"
          : b.getSessionAffinity(), b.getHealthChecksList().stream().map(Calls::last).toList(), zones, b.getFingerprint());
    });
  }

  /** Creates, or with a fingerprint replaces, the backend service. */
  void write(LbModel.BackendService bs, List<String> zones, Optional<String> fingerprint, String description) {
    BackendService.Builder b = BackendService.newBuilder().setName(bs.name()).setDescription(description)
        .setLoadBalancingScheme("INTERNAL").setProtocol(bs.protocol().name()).setSessionAffinity(bs.sessionAffinity())
        .addHealthChecks(global("healthChecks", bs.healthCheck()));
    zones.forEach(zone -> b.addBackends(Backend.newBuilder().setBalancingMode("CONNECTION")
        .setGroup("projects/" + project() + "/zones/" + zone + "/instanceGroups/" + bs.instanceGroup())));
    if (fingerprint.isEmpty()) {
      write("regionBackendServices.insert", "backendServices/" + bs.name() + " insert", CallKind.CREATE,
          () -> clients.backendServices.insertCallable().call(InsertRegionBackendServiceRequest.newBuilder()
              .setProject(project()).setRegion(region()).setBackendServiceResource(b).build()));
    } else {
      b.setFingerprint(fingerprint.get());
      write("regionBackendServices.update", "backendServices/" + bs.name() + " update", CallKind.WRITE,
          () -> clients.backendServices.updateCallable().call(UpdateRegionBackendServiceRequest.newBuilder()
              .setProject(project()).setRegion(region()).setBackendService(bs.name()).setBackendServiceResource(b)
              .build()));
    }
  }

  void delete(String name) {
    delete("regionBackendServices.delete", "backendServices/" + name + " delete",
        () -> clients.backendServices.deleteCallable().call(DeleteRegionBackendServiceRequest.newBuilder()
            .setProject(project()).setRegion(region()).setBackendService(name).build()));
  }
}
