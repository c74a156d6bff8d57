package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.ListInstancesRequest;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.gcp.model.InstanceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The network tags firewall rules target, when the settings do not name them: each instance's first
 * tag, as upstream's computeHostTags does. Read once per zone with one filtered list and cached,
 * since instances keep their tags.
 */
final class InstanceCalls extends Calls {
  private final Map<InstanceRef, List<String>> tags = new ConcurrentHashMap<>();

  InstanceCalls(Calls base) {
    super(base);
  }

  List<String> targetTags(Set<InstanceRef> instances) {
    if (!settings.nodeTags().isEmpty()) {
      return settings.nodeTags();
    }
    Map<String, List<InstanceRef>> unknownByZone = new TreeMap<>();
    for (InstanceRef i : instances) {
      if (!tags.containsKey(i)) {
        unknownByZone.computeIfAbsent(i.project() + "/" + i.zone(), z -> new ArrayList<>()).add(i);
      }
    }
    unknownByZone.forEach((key, refs) -> {
      String project = refs.getFirst().project();
      String zone = refs.getFirst().zone();
      String names = refs.stream().map(InstanceRef::name).sorted().collect(Collectors.joining("|"));
      String token = "";
      do {
        String page = token;
        var list = read("instances.list", () -> clients.instances.listCallable().call(ListInstancesRequest.newBuilder()
            .setProject(project).setZone(zone).setFilter("name eq \"(" + names + ")\"").setMaxResults(500)
            .setPageToken(page).build()));
        list.getItemsList().forEach(instance ->
            tags.put(new InstanceRef(project, zone, instance.getName()), instance.getTags().getItemsList()));
        token = list.getNextPageToken();
      } while (!token.isEmpty());
    });
    Set<String> out = new TreeSet<>();
    for (InstanceRef i : instances) {
      List<String> own = tags.get(i);
      if (own == null) {
        throw ProviderFailureException.userError("instance " + i.path() + " does not exist; its Node's providerID is stale");
      }
      if (own.isEmpty()) {
        throw ProviderFailureException.userError("instance " + i.path() + " has no network tags, so no firewall rule"
            + " can target it; give the nodes a tag or set nodeTags in the provider config");
      }
      out.add(own.getFirst());
    }
    return List.copyOf(out);
  }
}
