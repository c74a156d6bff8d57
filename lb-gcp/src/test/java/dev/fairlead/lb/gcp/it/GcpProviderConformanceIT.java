package dev.fairlead.lb.gcp.it;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.gcp.GcpProviderFactory;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import dev.fairlead.lb.tck.TckSettings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The lb-tck contract against the Compute simulator. Each cluster has its own project: names are
 * upstream's {@code a<uid>} (so upstream load balancers are adopted), and the kit's isolation test
 * reuses one UID in two clusters, which in one project would be one name.
 */
class GcpProviderConformanceIT extends LoadBalancerProviderContract {
  static SimCloud cloud;
  static List<BackendNode> nodes;
  static String requestable;

  @BeforeAll
  static void start() {
    cloud = new SimCloud();
    cloud.sim.operationDelay(Duration.ofMillis(20));
    nodes = cloud.nodes(SimCloud.PROJECT, SimCloud.ZONE, 1, 3);
    cloud.nodes(SimCloud.PROJECT + "-other", SimCloud.ZONE, 1, 3);
    String answer = cloud.post("projects/" + SimCloud.PROJECT + "/regions/" + SimCloud.REGION + "/addresses",
        "{\"name\":\"user-static\",\"address\":\"198.51.100.200\"}");
    requestable = answer.contains("compute#operation") ? "198.51.100.200" : null;
  }

  @AfterAll
  static void stop() {
    cloud.close();
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new GcpProviderFactory().create(context);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    String project = clusterName.equals(CLUSTER) ? SimCloud.PROJECT : SimCloud.PROJECT + "-other";
    return new ProviderContext(clusterName, cloud.settings(project, Map.of()), Clock.systemUTC(),
        ApiCallListener.NONE);
  }

  @Override
  protected List<BackendNode> backends() {
    return nodes;
  }

  @Override
  protected TckSettings settings() {
    return TckSettings.defaults().withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(50))
        .withRequestableAddress(InetAddress.ofLiteral(requestable));
  }
}
