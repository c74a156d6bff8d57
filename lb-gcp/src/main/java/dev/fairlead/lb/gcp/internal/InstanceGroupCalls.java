package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.AddInstancesInstanceGroupRequest;
import com.google.cloud.compute.v1.DeleteInstanceGroupRequest;
import com.google.cloud.compute.v1.InsertInstanceGroupRequest;
import com.google.cloud.compute.v1.InstanceGroup;
import com.google.cloud.compute.v1.InstanceGroupsAddInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupsListInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupsRemoveInstancesRequest;
import com.google.cloud.compute.v1.InstanceReference;
import com.google.cloud.compute.v1.ListInstancesInstanceGroupsRequest;
import com.google.cloud.compute.v1.RemoveInstancesInstanceGroupRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.InstanceRef;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The cluster's unmanaged instance groups, one per zone, shared by every internal load balancer. */
final class InstanceGroupCalls extends Calls {
  InstanceGroupCalls(Calls base) {
    super(base);
  }

  /** The members of a zone's group, or empty if the group does not exist. */
  Optional<Set<InstanceRef>> members(String zone, String group) {
    try {
      Set<InstanceRef> out = new TreeSet<>();
      String token = "";
      do {
        String page = token;
        var list = read("instanceGroups.listInstances", () -> clients.instanceGroups.listInstancesCallable().call(
            ListInstancesInstanceGroupsRequest.newBuilder().setProject(project()).setZone(zone).setInstanceGroup(group)
                .setInstanceGroupsListInstancesRequestResource(InstanceGroupsListInstancesRequest.newBuilder()
                    .setInstanceState("ALL")).setMaxResults(500).setPageToken(page).build()));
        list.getItemsList().forEach(i -> InstanceRef.fromLink(i.getInstance()).ifPresent(out::add));
        token = list.getNextPageToken();
      } while (!token.isEmpty());
      return Optional.of(out);
    } catch (RuntimeException e) {
      if (GcpErrors.notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  void create(String zone, String group, String description) {
    try {
      write("instanceGroups.insert", "instanceGroups/" + zone + "/" + group + " insert", CallKind.CREATE,
          () -> clients.instanceGroups.insertCallable().call(InsertInstanceGroupRequest.newBuilder().setProject(project())
              .setZone(zone).setInstanceGroupResource(InstanceGroup.newBuilder().setName(group).setDescription(description)
                  .setNetwork(global("networks", settings.network()))).build()));
    } catch (RuntimeException e) {
      if (!GcpErrors.alreadyExists(e)) {
        throw e;
      }
    }
  }

  void add(String zone, String group, List<InstanceRef> instances) {
    InstanceGroupsAddInstancesRequest.Builder body = InstanceGroupsAddInstancesRequest.newBuilder();
    instances.forEach(i -> body.addInstances(InstanceReference.newBuilder().setInstance(i.path())));
    write("instanceGroups.addInstances", "instanceGroups/" + zone + "/" + group + " addInstances", CallKind.WRITE,
        () -> clients.instanceGroups.addInstancesCallable().call(AddInstancesInstanceGroupRequest.newBuilder()
            .setProject(project()).setZone(zone).setInstanceGroup(group)
            .setInstanceGroupsAddInstancesRequestResource(body).build()));
  }

  void remove(String zone, String group, List<InstanceRef> instances) {
    InstanceGroupsRemoveInstancesRequest.Builder body = InstanceGroupsRemoveInstancesRequest.newBuilder();
    instances.forEach(i -> body.addInstances(InstanceReference.newBuilder().setInstance(i.path())));
    write("instanceGroups.removeInstances", "instanceGroups/" + zone + "/" + group + " removeInstances", CallKind.WRITE,
        () -> clients.instanceGroups.removeInstancesCallable().call(RemoveInstancesInstanceGroupRequest.newBuilder()
            .setProject(project()).setZone(zone).setInstanceGroup(group)
            .setInstanceGroupsRemoveInstancesRequestResource(body).build()));
  }

  /** Deletes a zone's group if no backend service uses it any more; true if it is gone. */
  boolean deleteIfUnused(String zone, String group) {
    return deleteUnlessInUse(() -> delete("instanceGroups.delete", "instanceGroups/" + zone + "/" + group + " delete",
        () -> clients.instanceGroups.deleteCallable().call(DeleteInstanceGroupRequest.newBuilder().setProject(project())
            .setZone(zone).setInstanceGroup(group).build())));
  }
}
