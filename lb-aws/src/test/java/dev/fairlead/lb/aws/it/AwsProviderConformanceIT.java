package dev.fairlead.lb.aws.it;

import dev.fairlead.lb.api.ApiCallListener;
import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.aws.AwsProviderFactory;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lb-tck contract, against moto started by the test. */
class AwsProviderConformanceIT extends LoadBalancerProviderContract {
  static MotoServer moto;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    moto.seedCluster(CLUSTER);
    moto.seedCluster(OTHER_CLUSTER);
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new AwsProviderFactory().create(context);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return MotoServer.context(clusterName, moto.settings(Map.of()), ApiCallListener.NONE);
  }

  @Override
  protected List<BackendNode> backends() {
    return MotoServer.nodes(3);
  }
}
