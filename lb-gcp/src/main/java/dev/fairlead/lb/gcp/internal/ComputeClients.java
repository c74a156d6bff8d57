package dev.fairlead.lb.gcp.internal;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ClientSettings;
import com.google.cloud.compute.v1.AddressesClient;
import com.google.cloud.compute.v1.AddressesSettings;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.ForwardingRulesClient;
import com.google.cloud.compute.v1.ForwardingRulesSettings;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.HealthChecksClient;
import com.google.cloud.compute.v1.HealthChecksSettings;
import com.google.cloud.compute.v1.InstanceGroupsClient;
import com.google.cloud.compute.v1.InstanceGroupsSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.RegionBackendServicesClient;
import com.google.cloud.compute.v1.RegionBackendServicesSettings;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.TargetPoolsClient;
import com.google.cloud.compute.v1.TargetPoolsSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.gcp.model.GcpSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Compute clients of one provider (HTTP/JSON transport). The SDK's own retries are off: the
 * {@code CallGate} decides what to repeat and counts every attempt. With an {@code endpoint} (the
 * simulator) no credentials are sent; otherwise Application Default Credentials are used (workload
 * identity, the metadata server, {@code GOOGLE_APPLICATION_CREDENTIALS}).
 */
final class ComputeClients implements AutoCloseable {
  final AddressesClient addresses;
  final ForwardingRulesClient forwardingRules;
  final TargetPoolsClient targetPools;
  final LegacyHttpHealthChecks httpHealthChecks;
  final HealthChecksClient healthChecks;
  final RegionBackendServicesClient backendServices;
  final InstanceGroupsClient instanceGroups;
  final FirewallsClient firewalls;
  final InstancesClient instances;
  final RegionOperationsClient regionOperations;
  final GlobalOperationsClient globalOperations;
  final ZoneOperationsClient zoneOperations;
  private final List<AutoCloseable> all = new ArrayList<>();

  ComputeClients(GcpSettings settings) {
    try {
      addresses = add(AddressesClient.create(configure(AddressesSettings.newBuilder(), settings).build()));
      forwardingRules = add(ForwardingRulesClient.create(configure(ForwardingRulesSettings.newBuilder(), settings).build()));
      targetPools = add(TargetPoolsClient.create(configure(TargetPoolsSettings.newBuilder(), settings).build()));
      httpHealthChecks = new LegacyHttpHealthChecks(settings);
      healthChecks = add(HealthChecksClient.create(configure(HealthChecksSettings.newBuilder(), settings).build()));
      backendServices = add(RegionBackendServicesClient.create(
          configure(RegionBackendServicesSettings.newBuilder(), settings).build()));
      instanceGroups = add(InstanceGroupsClient.create(configure(InstanceGroupsSettings.newBuilder(), settings).build()));
      firewalls = add(FirewallsClient.create(configure(FirewallsSettings.newBuilder(), settings).build()));
      instances = add(InstancesClient.create(configure(InstancesSettings.newBuilder(), settings).build()));
      regionOperations = add(RegionOperationsClient.create(configure(RegionOperationsSettings.newBuilder(), settings).build()));
      globalOperations = add(GlobalOperationsClient.create(configure(GlobalOperationsSettings.newBuilder(), settings).build()));
      zoneOperations = add(ZoneOperationsClient.create(configure(ZoneOperationsSettings.newBuilder(), settings).build()));
    } catch (IOException e) {
      close();
      throw new ProviderConfigurationException("cannot create the Compute client: " + e.getMessage()
          + " (credentials come from Application Default Credentials)");
    }
  }

  private <T extends AutoCloseable> T add(T client) {
    all.add(client);
    return client;
  }

  /** No SDK retries, the endpoint override and its credentials. */
  private static <B extends ClientSettings.Builder<?, ?>> B configure(B builder, GcpSettings settings) {
    try {
      builder.getClass().getMethod("applyToAllUnaryMethods", com.google.api.core.ApiFunction.class)
          .invoke(builder, (com.google.api.core.ApiFunction<com.google.api.gax.rpc.UnaryCallSettings.Builder<?, ?>, Void>) b -> {
            b.setRetryableCodes(Set.of());
            return null;
          });
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the Compute client settings changed shape: " + e.getMessage(), e);
    }
    settings.endpoint().ifPresent(uri -> {
      String text = uri.toString();
      builder.setEndpoint(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      CredentialsProvider none = NoCredentialsProvider.create();
      builder.setCredentialsProvider(none);
    });
    return builder;
  }

  @Override
  public void close() {
    for (AutoCloseable client : all) {
      try {
        client.close();
      } catch (Exception e) {
        // closing is best effort
      }
    }
  }
}
