package dev.fairlead.sim.gcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regions and zones the simulator serves, and the subnet range of the {@code default}
 * network in each region (all from documentation ranges).
 *
 * @param zonesByRegion zones per region, such as {@code us-central1 -> [us-central1-a, ...]}
 */
public record Topology(Map<String, List<String>> zonesByRegion) {
  /** The one network every project has. */
  public static final String NETWORK = "default";
  /** The primary range of every region's {@code default} subnetwork. */
  public static final String SUBNET_RANGE = "192.0.2.0/24";

  /** Copies the map. */
  public Topology {
    zonesByRegion = Map.copyOf(new LinkedHashMap<>(zonesByRegion));
  }

  /**
   * Two regions with the zones the real ones have.
   *
   * @return us-central1 (a, b, c, f) and europe-west1 (b, c, d)
   */
  public static Topology standard() {
    return new Topology(Map.of(
        "us-central1", List.of("us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"),
        "europe-west1", List.of("europe-west1-b", "europe-west1-c", "europe-west1-d")));
  }

  boolean hasRegion(String region) {
    return zonesByRegion.containsKey(region);
  }

  Optional<String> regionOf(String zone) {
    return zonesByRegion.entrySet().stream().filter(e -> e.getValue().contains(zone)).map(Map.Entry::getKey).findFirst();
  }
}
