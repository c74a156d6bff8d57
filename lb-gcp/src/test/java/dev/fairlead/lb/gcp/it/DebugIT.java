package dev.fairlead.lb.gcp.it;

import dev.fairlead.lb.api.*;
import dev.fairlead.lb.gcp.GcpProviderFactory;
import dev.fairlead.lb.tck.Specs;
import java.time.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class DebugIT {
  @Test
  void flow() throws Exception {
    try (SimCloud cloud = new SimCloud()) {
      List<BackendNode> nodes = cloud.nodes(SimCloud.PROJECT, SimCloud.ZONE, 1, 3);
      cloud.sim.operationDelay(Duration.ofMillis(20));
      var ctx = new ProviderContext("c1", cloud.settings(), Clock.systemUTC(),
          (op, outcome, d) -> System.out.println("CALL " + op + " " + outcome + " " + d.toMillis()), Map.of());
      var p = new GcpProviderFactory().create(ctx);
      Specs specs = new Specs("dbg-", nodes, p.capabilities());
      var spec = specs.newSpec();
      System.out.println("ENSURE " + p.ensure(spec));
      try { p.ensureDeleted(spec.service()); System.out.println("DELETED"); } catch (Exception e) { e.printStackTrace(System.out); }
      System.out.println("LEFT " + cloud.loadBalancingResources());
      System.out.println(String.join("\n", cloud.requests()));
    }
  }
}
