package dev.fairlead.sim.gcp;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A collection the simulator serves read-only from resources it seeds itself ({@code networks},
 * {@code subnetworks}): the {@code default} network and its subnetworks.
 */
final class Seeded extends Collection {
  Seeded(String name, String kind, Scope scope) {
    super(name, kind, scope);
  }

  @Override
  ObjectNode build(Ctx ctx, ResourcePath path, ObjectNode body) {
    throw ComputeError.badRequest("The simulator serves " + name() + " read-only: only '" + Topology.NETWORK + "' exists");
  }
}
