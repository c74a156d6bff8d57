package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generic part of the Compute v1 API over all {@link Collection}s: insert, get, list (filters,
 * pages), aggregated list, delete (refused while referenced), update (only mutable fields), custom
 * methods, operations, and the project, region and zone resources gcloud asks for.
 */
final class ComputeApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> OUTPUT_ONLY =
      Set.of("id", "kind", "selfLink", "creationTimestamp", "region", "zone", "status", "users", "size",
          InstanceGroups.MEMBERS, "IPAddress", "address", "fingerprint");

  /** An answer: status and JSON body. */
  record Answer(int status, JsonNode body) {}

  private final Map<String, Collection> collections = new LinkedHashMap<>();
  private final ComputeStore store;
  private final OperationEngine operations;
  private final Topology topology;
  private final Quotas quotas;
  private final Clock clock;
  private final Set<String> seededProjects = new HashSet<>();

  ComputeApi(ComputeStore store, OperationEngine operations, Topology topology, Quotas quotas, Clock clock) {
    this.store = store;
    this.operations = operations;
    this.topology = topology;
    this.quotas = quotas;
    this.clock = clock;
    for (Collection c : List.of(new Instances(), new Addresses(), new ForwardingRules(), new TargetPools(),
        HealthChecks.legacyHttp(), HealthChecks.modern(), new BackendServices(), new InstanceGroups(),
        new Firewalls(), new Seeded("networks", "compute#network", Collection.Scope.GLOBAL),
        new Seeded("subnetworks", "compute#subnetwork", Collection.Scope.REGION))) {
      collections.put(c.name(), c);
    }
  }

  Answer handle(String method, List<String> segments, Map<String, String> query, ObjectNode body)
      throws InterruptedException {
    if (segments.size() < 2 || !segments.get(0).equals("projects")) {
      throw ComputeError.notFound(String.join("/", segments));
    }
    String project = segments.get(1);
    seed(project);
    List<String> rest = segments.subList(2, segments.size());
    if (rest.isEmpty()) {
      requireMethod(method, "GET");
      return ok(project(project));
    }
    switch (rest.get(0)) {
      case "aggregated" -> {
        requireMethod(method, "GET");
        if (rest.size() != 2) {
          throw ComputeError.notFound(String.join("/", segments));
        }
        return ok(aggregated(project, rest.get(1), query));
      }
      case "global" -> {
        return scoped(method, project, "global", rest.subList(1, rest.size()), query, body);
      }
      case "regions", "zones" -> {
        boolean region = rest.get(0).equals("regions");
        if (rest.size() == 1) {
          requireMethod(method, "GET");
          return ok(scopesList(project, region));
        }
        String where = rest.get(1);
        boolean known = region ? topology.hasRegion(where) : topology.regionOf(where).isPresent();
        if (!known) {
          throw ComputeError.notFound("projects/" + project + "/" + rest.get(0) + "/" + where);
        }
        if (rest.size() == 2) {
          requireMethod(method, "GET");
          return ok(region ? region(project, where) : zone(project, where));
        }
        return scoped(method, project, rest.get(0) + "/" + where, rest.subList(2, rest.size()), query, body);
      }
      default -> throw ComputeError.notFound(String.join("/", segments));
    }
  }

  private Answer scoped(String method, String project, String scope, List<String> rest, Map<String, String> query,
      ObjectNode body) throws InterruptedException {
    if (rest.isEmpty()) {
      throw ComputeError.notFound("projects/" + project + "/" + scope);
    }
    if (rest.get(0).equals("operations")) {
      return operation(method, project, scope, rest);
    }
    Collection collection = collections.get(rest.get(0));
    String expected = scope.equals("global") ? "GLOBAL" : scope.startsWith("regions/") ? "REGION" : "ZONE";
    if (collection == null || !collection.scope().name().equals(expected)) {
      throw ComputeError.notFound("projects/" + project + "/" + scope + "/" + rest.get(0));
    }
    ResourcePath collectionPath = new ResourcePath(project, scope, collection.name(), null, null);
    Ctx ctx = new Ctx(project, store, topology, quotas);
    if (rest.size() == 1) {
      return switch (method) {
        case "GET" -> ok(store.locked(s -> list(collection, collectionPath, query)));
        case "POST" -> ok(insert(ctx, collection, collectionPath, body));
        default -> throw ComputeError.badRequest("Method " + method + " is not allowed on a collection");
      };
    }
    ResourcePath path = collectionPath.child(rest.get(1));
    if (rest.size() == 2) {
      return switch (method) {
        case "GET" -> ok(store.locked(s -> s.get(path.path()).map(ObjectNode::deepCopy)
            .orElseThrow(() -> ComputeError.notFound(path.path()))));
        case "DELETE" -> ok(delete(ctx, collection, path));
        case "PATCH", "PUT" -> ok(update(ctx, collection, path, body, method.equals("PATCH")));
        default -> throw ComputeError.badRequest("Method " + method + " is not allowed on a resource");
      };
    }
    if (rest.size() == 3) {
      requireMethod(method, "POST");
      String custom = rest.get(2);
      if (collection.isRead(custom)) {
        ObjectNode answer = store.locked(s -> collection.read(ctx, path, custom, body));
        return ok(paged(answer, query));
      }
      Collection.Effect effect = store.locked(s -> collection.method(ctx, path, custom, body));
      return ok(operations.start(collectionPath, custom, path, s -> {
        if (!s.exists(path.path())) {
          throw ComputeError.notFound(path.path());
        }
        effect.apply(s);
        return null;
      }, () -> {}));
    }
    throw ComputeError.notFound(path.path() + "/" + String.join("/", rest.subList(2, rest.size())));
  }

  private ObjectNode insert(Ctx ctx, Collection collection, ResourcePath collectionPath, ObjectNode body) {
    if (body == null) {
      throw ComputeError.badRequest("Required field 'resource' not specified");
    }
    ResourcePath path = collectionPath.child(Collection.requireName(body));
    ObjectNode built = store.locked(s -> {
      ObjectNode resource = collection.build(ctx, path, body);
      if (!s.reserve(path.path())) {
        throw ComputeError.alreadyExists(path.path());
      }
      return resource;
    });
    return operations.start(collectionPath, "insert", path, s -> {
      String metric = collection.quotaMetric();
      if (metric != null && s.count(collectionPath.path()) >= quotas.limit(metric)) {
        throw ComputeError.quotaExceeded(metric, quotas.limit(metric),
            collectionPath.region().map(r -> "region " + r).orElse("project " + ctx.project()));
      }
      decorate(collection, path, built);
      collection.inserted(ctx, path, built);
      s.put(path.path(), built);
      return null;
    }, () -> store.release(path.path()));
  }

  private ObjectNode delete(Ctx ctx, Collection collection, ResourcePath path) {
    store.locked(s -> {
      if (!s.exists(path.path())) {
        throw ComputeError.notFound(path.path());
      }
      checkUnused(s, path);
      return null;
    });
    return operations.start(path.collectionPath(), "delete", path, s -> {
      ObjectNode resource = s.get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
      checkUnused(s, path);
      s.remove(path.path());
      collection.deleted(ctx, path, resource);
      return null;
    }, () -> {});
  }

  private void checkUnused(ComputeStore s, ResourcePath path) {
    s.firstUser(path.path(), this::references).ifPresent(user -> {
      throw ComputeError.inUse(path.path(), user);
    });
  }

  private List<String> references(ObjectNode resource) {
    String kind = resource.path("kind").asText();
    for (Collection c : collections.values()) {
      if (c.kind().equals(kind)) {
        return c.references(resource);
      }
    }
    return List.of();
  }

  private ObjectNode update(Ctx ctx, Collection collection, ResourcePath path, ObjectNode body, boolean patch) {
    if (body == null) {
      throw ComputeError.badRequest("Required field 'resource' not specified");
    }
    ObjectNode merged = store.locked(s -> {
      ObjectNode current = s.get(path.path()).orElseThrow(() -> ComputeError.notFound(path.path()));
      if (collection.mutableFields().isEmpty()) {
        throw ComputeError.badRequest("A " + collection.kind().substring(8) + " cannot be updated in place");
      }
      if (body.hasNonNull("fingerprint") && current.hasNonNull("fingerprint")
          && !body.get("fingerprint").asText().equals(current.get("fingerprint").asText())) {
        throw ComputeError.conditionNotMet("Invalid fingerprint: the resource changed since it was read");
      }
      ObjectNode next = patch ? current.deepCopy() : JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (OUTPUT_ONLY.contains(field.getKey())) {
          continue;
        }
        JsonNode was = current.get(field.getKey());
        if (!collection.mutableFields().contains(field.getKey()) && !field.getValue().equals(was)) {
          throw ComputeError.invalid("resource." + field.getKey(),
              "the field cannot be changed on an existing " + collection.kind().substring(8));
        }
        next.set(field.getKey(), field.getValue());
      }
      if (!next.path("name").asText().equals(path.name())) {
        throw ComputeError.invalid("resource.name", "a resource cannot be renamed");
      }
      ObjectNode rebuilt = collection.build(ctx, path, next);
      for (String keep : OUTPUT_ONLY) {
        if (current.has(keep) && !(keep.equals("fingerprint") && rebuilt.has(keep))) {
          rebuilt.set(keep, current.get(keep));
        }
      }
      if (current.has("fingerprint")) {
        rebuilt.put("fingerprint", java.util.Base64.getEncoder().encodeToString(s.newId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
      return rebuilt;
    });
    return operations.start(path.collectionPath(), patch ? "patch" : "update", path, s -> {
      if (!s.exists(path.path())) {
        throw ComputeError.notFound(path.path());
      }
      s.put(path.path(), merged);
      return null;
    }, () -> {});
  }

  private void decorate(Collection collection, ResourcePath path, ObjectNode resource) {
    resource.put("kind", collection.kind());
    resource.put("id", store.newId());
    resource.put("creationTimestamp", clock.instant().toString());
    resource.put("selfLink", path.link());
    path.region().ifPresent(r -> resource.put("region", ResourcePath.LINK_BASE + "projects/" + path.project() + "/regions/" + r));
    path.zone().ifPresent(z -> resource.put("zone", ResourcePath.LINK_BASE + "projects/" + path.project() + "/zones/" + z));
  }

  private Answer operation(String method, String project, String scope, List<String> rest) throws InterruptedException {
    if (rest.size() < 2) {
      throw ComputeError.badRequest("The simulator does not list operations");
    }
    String path = "projects/" + project + "/" + scope + "/operations/" + rest.get(1);
    if (rest.size() == 2 && method.equals("GET")) {
      return ok(operations.get(path).orElseThrow(() -> ComputeError.notFound(path)));
    }
    if (rest.size() == 3 && rest.get(2).equals("wait") && method.equals("POST")) {
      return ok(operations.await(path).orElseThrow(() -> ComputeError.notFound(path)));
    }
    throw ComputeError.badRequest("Unsupported operations request " + method + " " + path);
  }

  private ObjectNode list(Collection collection, ResourcePath collectionPath, Map<String, String> query) {
    ListQuery.Page page = ListQuery.parse(query).page(store.list(collectionPath.path()));
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", collection.kind() + "List");
    out.put("id", collectionPath.path());
    if (!page.items().isEmpty()) {
      ArrayNode items = out.putArray("items");
      page.items().forEach(i -> items.add(i.deepCopy()));
    }
    if (page.nextPageToken() != null) {
      out.put("nextPageToken", page.nextPageToken());
    }
    out.put("selfLink", collectionPath.link());
    return out;
  }

  private ObjectNode aggregated(String project, String collectionName, Map<String, String> query) {
    Collection collection = collections.get(collectionName);
    if (collection == null) {
      throw ComputeError.notFound("projects/" + project + "/aggregated/" + collectionName);
    }
    ListQuery q = ListQuery.parse(query);
    return store.locked(s -> {
      Map<String, List<ObjectNode>> byScope = s.aggregated(project, collectionName);
      List<String> scopes = new ArrayList<>();
      switch (collection.scope()) {
        case GLOBAL -> scopes.add("global");
        case REGION -> topology.zonesByRegion().keySet().stream().sorted().forEach(r -> scopes.add("regions/" + r));
        case ZONE -> topology.zonesByRegion().values().stream().flatMap(List::stream).sorted()
            .forEach(z -> scopes.add("zones/" + z));
      }
      List<ObjectNode> flat = new ArrayList<>();
      scopes.forEach(sc -> flat.addAll(byScope.getOrDefault(sc, List.of())));
      ListQuery.Page page = q.page(flat);
      ObjectNode out = JSON.createObjectNode();
      out.put("kind", collection.kind() + "AggregatedList");
      out.put("id", "projects/" + project + "/aggregated/" + collectionName);
      ObjectNode items = out.putObject("items");
      for (String sc : scopes) {
        ArrayNode list = JSON.createArrayNode();
        for (ObjectNode r : page.items()) {
          if (byScope.getOrDefault(sc, List.of()).contains(r)) {
            list.add(r.deepCopy());
          }
        }
        ObjectNode entry = items.putObject(sc);
        if (list.isEmpty()) {
          ObjectNode warning = entry.putObject("warning");
          warning.put("code", "NO_RESULTS_ON_PAGE");
          warning.put("message", "There are no results for scope '" + sc + "' on this page.");
          warning.putArray("data").addObject().put("key", "scope").put("value", sc);
        } else {
          entry.set(collectionName, list);
        }
      }
      if (page.nextPageToken() != null) {
        out.put("nextPageToken", page.nextPageToken());
      }
      out.put("selfLink", ResourcePath.LINK_BASE + "projects/" + project + "/aggregated/" + collectionName);
      return out;
    });
  }

  private static ObjectNode paged(ObjectNode answer, Map<String, String> query) {
    if (!answer.has("items")) {
      return answer;
    }
    List<ObjectNode> items = new ArrayList<>();
    answer.get("items").forEach(i -> items.add((ObjectNode) i));
    ListQuery.Page page = ListQuery.parse(query).page(items);
    ArrayNode out = answer.putArray("items");
    page.items().forEach(out::add);
    if (out.isEmpty()) {
      answer.remove("items");
    }
    if (page.nextPageToken() != null) {
      answer.put("nextPageToken", page.nextPageToken());
    }
    return answer;
  }

  private void seed(String project) {
    store.locked(s -> {
      if (seededProjects.add(project)) {
        ObjectNode network = JSON.createObjectNode();
        network.put("name", Topology.NETWORK);
        network.put("autoCreateSubnetworks", false);
        ResourcePath networkPath = new ResourcePath(project, "global", "networks", Topology.NETWORK, null);
        decorate(collections.get("networks"), networkPath, network);
        s.put(networkPath.path(), network);
        for (String region : topology.zonesByRegion().keySet()) {
          ObjectNode subnet = JSON.createObjectNode();
          subnet.put("name", Topology.NETWORK);
          subnet.put("network", networkPath.link());
          subnet.put("ipCidrRange", Topology.SUBNET_RANGE);
          ResourcePath subnetPath = new ResourcePath(project, "regions/" + region, "subnetworks", Topology.NETWORK, null);
          decorate(collections.get("subnetworks"), subnetPath, subnet);
          s.put(subnetPath.path(), subnet);
        }
      }
      return null;
    });
  }

  private ObjectNode project(String project) {
    ObjectNode p = JSON.createObjectNode();
    p.put("kind", "compute#project");
    p.put("id", Integer.toUnsignedString(project.hashCode()));
    p.put("name", project);
    p.put("selfLink", ResourcePath.LINK_BASE + "projects/" + project);
    p.put("defaultNetworkTier", "PREMIUM");
    p.putArray("quotas");
    return p;
  }

  private ObjectNode region(String project, String region) {
    ObjectNode r = JSON.createObjectNode();
    r.put("kind", "compute#region");
    r.put("id", Integer.toUnsignedString(region.hashCode()));
    r.put("name", region);
    r.put("status", "UP");
    ArrayNode zones = r.putArray("zones");
    topology.zonesByRegion().get(region).forEach(z -> zones.add(ResourcePath.LINK_BASE + "projects/" + project + "/zones/" + z));
    r.put("selfLink", ResourcePath.LINK_BASE + "projects/" + project + "/regions/" + region);
    return r;
  }

  private ObjectNode zone(String project, String zone) {
    ObjectNode z = JSON.createObjectNode();
    z.put("kind", "compute#zone");
    z.put("id", Integer.toUnsignedString(zone.hashCode()));
    z.put("name", zone);
    z.put("status", "UP");
    z.put("region", ResourcePath.LINK_BASE + "projects/" + project + "/regions/" + topology.regionOf(zone).orElseThrow());
    z.put("selfLink", ResourcePath.LINK_BASE + "projects/" + project + "/zones/" + zone);
    return z;
  }

  private ObjectNode scopesList(String project, boolean regions) {
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", regions ? "compute#regionList" : "compute#zoneList");
    ArrayNode items = out.putArray("items");
    topology.zonesByRegion().forEach((r, zones) -> {
      if (regions) {
        items.add(region(project, r));
      } else {
        zones.forEach(z -> items.add(zone(project, z)));
      }
    });
    out.put("selfLink", ResourcePath.LINK_BASE + "projects/" + project + (regions ? "/regions" : "/zones"));
    return out;
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw ComputeError.badRequest("Method " + method + " is not allowed here");
    }
  }

  private static Answer ok(JsonNode body) {
    return new Answer(200, body);
  }
}
