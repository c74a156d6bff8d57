package dev.fairlead.lb.azure.it;

import dev.fairlead.lb.api.BackendNode;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.azure.AzureProviderFactory;
import dev.fairlead.lb.tck.LoadBalancerProviderContract;
import dev.fairlead.lb.tck.TckSettings;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lb-tck contract against the ARM simulator, over HTTPS with the SDK. */
class AzureProviderConformanceIT extends LoadBalancerProviderContract {
  static AzureSim azure;
  static InetAddress requestable;

  @BeforeAll
  static void start() {
    azure = AzureSim.start();
    requestable = UserAddresses.create(azure, "user-reserved-ip");
  }

  @AfterAll
  static void stop() {
    azure.close();
  }

  @Override
  protected LoadBalancerProvider createProvider(ProviderContext context) {
    return new AzureProviderFactory().create(context);
  }

  @Override
  protected ProviderContext context(String clusterName) {
    return azure.context(clusterName);
  }

  @Override
  protected List<BackendNode> backends() {
    return AzureSim.nodes(3);
  }

  @Override
  protected TckSettings settings() {
    return TckSettings.defaults().withRequestableAddress(requestable);
  }
}
