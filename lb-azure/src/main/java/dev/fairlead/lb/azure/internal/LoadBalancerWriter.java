package dev.fairlead.lb.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.network.fluent.LoadBalancersClient;
import com.azure.resourcemanager.network.fluent.models.LoadBalancerInner;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.azure.model.LbChange;
import dev.fairlead.lb.azure.model.LbDocument;
import dev.fairlead.lb.azure.model.LbMerge;
import dev.fairlead.lb.azure.model.LbStep;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.azure.model.Topology;
import dev.fairlead.lb.cloud.CallGate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one shared load balancer: the {@link Coalescer.Writer} that turns a batch of Services'
 * changes into one read-modify-write PUT guarded by {@code If-Match}. It keeps the load balancer
 * as last read or written, so a write needs no read first; a 412 (someone else wrote) or a
 * superseded operation makes it read again and merge the same batch again.
 */
final class LoadBalancerWriter implements Coalescer.Writer<LbChange, LbDocument> {
  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerWriter.class);
  private static final int MAX_ROUNDS = 6;

  /** The load balancer as last seen: {@code raw} null if it does not exist; unknown before a read. */
  private record Snapshot(boolean known, LoadBalancerInner raw, LbDocument document, long seenAtNanos) {}

  private final String name;
  private final Topology topology;
  private final Arm arm;
  private final LbMerge.Limits limits;
  private final CallGate.Ticker ticker;
  private final long maxAgeNanos;
  private final AtomicReference<Snapshot> snapshot =
      new AtomicReference<>(new Snapshot(false, null, LbDocument.absent(), 0));

  LoadBalancerWriter(String name, Topology topology, Arm arm, LbMerge.Limits limits, CallGate.Ticker ticker,
      long maxAgeNanos) {
    this.name = name;
    this.topology = topology;
    this.arm = arm;
    this.limits = limits;
    this.ticker = ticker;
    this.maxAgeNanos = maxAgeNanos;
  }

  String name() {
    return name;
  }

  /**
   * Takes a load balancer found by a list (at start-up), so the next write needs no read.
   *
   * @param raw the load balancer, or null if the list did not have it
   */
  void seen(LoadBalancerInner raw) {
    snapshot.set(new Snapshot(true, raw, SdkMapping.toDocument(raw), ticker.nanoTime()));
  }

  /**
   * The load balancer as last seen, reading it first if it was never read.
   *
   * @return the document
   */
  LbDocument current() {
    Snapshot s = snapshot.get();
    return s.known() ? s.document() : read().document();
  }

  /**
   * Reads the load balancer now.
   *
   * @return the document
   */
  LbDocument refresh() {
    return read().document();
  }

  private LoadBalancersClient client() {
    return arm.client().getLoadBalancers();
  }

  private Snapshot read() {
    LoadBalancerInner raw = arm.read("loadBalancers.get",
        () -> client().getByResourceGroupWithResponse(topology.resourceGroup(), name, null, Context.NONE)).orElse(null);
    Snapshot s = new Snapshot(true, raw, SdkMapping.toDocument(raw), ticker.nanoTime());
    snapshot.set(s);
    return s;
  }

  @Override
  public List<Coalescer.Outcome<LbDocument>> write(List<LbChange> batch) {
    Snapshot base = snapshot.get();
    if (!base.known() || ticker.nanoTime() - base.seenAtNanos() > maxAgeNanos) {
      base = read();
    }
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      LbMerge.Result result = LbMerge.merge(base.document(), batch, Names.pool(topology.cluster()), limits);
      try {
        LbDocument written;
        if (!result.changed()) {
          written = result.merged();
        } else if (result.deletes()) {
          arm.write("loadBalancers.delete", () -> client().deleteWithResponseAsync(topology.resourceGroup(), name),
              base.document().etag().isEmpty() ? null : base.document().etag(), null);
          snapshot.set(new Snapshot(true, null, LbDocument.absent(), ticker.nanoTime()));
          written = LbDocument.absent();
        } else {
          written = put(base, result.steps());
        }
        List<Coalescer.Outcome<LbDocument>> outcomes = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          String reason = result.rejected().get(i);
          outcomes.add(reason == null ? new Coalescer.Outcome.Done<>(written)
              : new Coalescer.Outcome.Failed<>(ProviderFailureException.userError("load balancer " + name + ": "
                  + reason)));
        }
        return outcomes;
      } catch (HttpResponseException e) {
        int status = ArmErrors.status(e);
        if (status == 412) {
          LOG.debug("Load balancer {} changed under us (412); reading it again", name);
          base = read();
          continue;
        }
        if (status == 404 && result.deletes()) {
          snapshot.set(new Snapshot(true, null, LbDocument.absent(), ticker.nanoTime()));
          base = snapshot.get();
          continue;
        }
        if (status == 400) {
          throw new Coalescer.BatchRejected(Arm.failure("load balancer " + name, e));
        }
        throw Arm.failure("load balancer " + name, e);
      } catch (OperationFailedException e) {
        if (e.superseded() && round < MAX_ROUNDS) {
          LOG.debug("Write of load balancer {} was superseded; reading it again", name);
          base = read();
          continue;
        }
        throw new ProviderFailureException("load balancer " + name + ": " + e.getMessage(), e);
      }
    }
    throw new ProviderFailureException("load balancer " + name + " kept changing under us: " + MAX_ROUNDS
        + " writes in a row met a newer version; will retry");
  }

  private LbDocument put(Snapshot base, List<LbStep> steps) {
    LoadBalancerInner body = SdkMapping.apply(base.raw() == null ? null : copy(base.raw()), steps, name, topology);
    String etag = base.raw() == null ? null : base.raw().etag();
    Arm.Written answer = arm.write("loadBalancers.createOrUpdate",
        () -> client().createOrUpdateWithResponseAsync(topology.resourceGroup(), name, body),
        etag, base.raw() == null ? "*" : null);
    LoadBalancerInner written = parse(answer.body());
    boolean missingAddress = SdkMapping.toDocument(written).frontends().stream()
        .anyMatch(f -> f.target() instanceof LbDocument.Target.Subnet && f.privateAddress().isEmpty());
    if (missingAddress) {
      return read().document(); // Azure allocates private addresses; read them once
    }
    Snapshot s = new Snapshot(true, written, SdkMapping.toDocument(written), ticker.nanoTime());
    snapshot.set(s);
    return s.document();
  }

  /** A deep copy through JSON, so the snapshot is never changed by a write that then fails. */
  static LoadBalancerInner copy(LoadBalancerInner lb) {
    try {
      return parse(lb.toJsonBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LoadBalancerInner parse(byte[] json) {
    try (JsonReader reader = JsonProviders.createReader(json)) {
      return LoadBalancerInner.fromJson(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse a load balancer: " + e.getMessage(), e);
    }
  }

  /**
   * Whether an owner has anything in the load balancer as last seen.
   *
   * @param owner the owner prefix
   * @return true if a frontend, rule or probe is named after it
   */
  boolean holds(String owner) {
    return holds(current(), owner);
  }

  /**
   * Reads the load balancer and tells whether an owner has anything in it.
   *
   * @param owner the owner prefix
   * @return as {@link #holds}, on a fresh read
   */
  boolean holdsAfterRefresh(String owner) {
    return holds(refresh(), owner);
  }

  private static boolean holds(LbDocument doc, String owner) {
    return doc.frontends().stream().anyMatch(f -> Names.ownedBy(f.name(), owner))
        || doc.rules().stream().anyMatch(r -> Names.ownedBy(r.name(), owner))
        || doc.probes().stream().anyMatch(p -> Names.ownedBy(p.name(), owner))
        || (doc.exists() && doc.frontends().isEmpty() && !doc.otherContent());
  }

  /** For tests and logs: the frontends and their owners. */
  Map<String, Object> describe() {
    LbDocument doc = snapshot.get().document();
    return Map.of("name", name, "exists", doc.exists(), "frontends", doc.frontends().size());
  }
}
