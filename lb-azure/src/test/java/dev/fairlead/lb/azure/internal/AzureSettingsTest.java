package dev.fairlead.lb.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AzureSettingsTest {
  static final Map<String, String> MINIMAL = Map.of("subscriptionId", "00000000-1111-2222-3333-444444444444",
      "resourceGroup", "mc_rg_cluster_westeurope", "location", "westeurope", "vnetName", "aks-vnet",
      "subnetName", "aks-subnet");

  static AzureSettings parse(Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(MINIMAL);
    values.putAll(extra);
    return AzureSettings.from(ProviderSettings.of(values));
  }

  @Test
  void minimalSettingsUseDefaultAzureCredentialAndThePublicCloud() {
    AzureSettings s = parse(Map.of());
    assertThat(s.credential()).isEqualTo(new AzureSettings.Credential.Default());
    assertThat(s.cloud()).isEqualTo("AzurePublicCloud");
    assertThat(s.vnetResourceGroup()).isEqualTo("mc_rg_cluster_westeurope");
    assertThat(s.securityGroupName()).isEmpty();
    assertThat(s.apiCallsPerSecond()).isEqualTo(20);
  }

  @Test
  void anUpstreamAzureJsonIsAccepted() {
    // The keys of a typical AKS /etc/kubernetes/azure.json, flattened as the controller reads JSON/YAML.
    AzureSettings s = parse(Map.ofEntries(Map.entry("cloud", "AzurePublicCloud"), Map.entry("tenantId",
        "72f988bf-0000-0000-0000-000000000000"), Map.entry("aadClientId", "msi"), Map.entry("aadClientSecret", "msi"),
        Map.entry("securityGroupName", "aks-agentpool-nsg"), Map.entry("vnetResourceGroup", "net-rg"),
        Map.entry("routeTableName", "aks-agentpool-routetable"), Map.entry("vmType", "vmss"),
        Map.entry("loadBalancerSku", "Standard"), Map.entry("useManagedIdentityExtension", "true"),
        Map.entry("userAssignedIdentityID", "11111111-2222-3333-4444-555555555555"),
        Map.entry("cloudProviderRateLimit", "true"), Map.entry("cloudProviderRateLimitQPS", "6"),
        Map.entry("excludeMasterFromStandardLB", "false"), Map.entry("maximumLoadBalancerRuleCount", "250"),
        Map.entry("loadBalancerBackendPoolConfigurationType", "nodeIPConfiguration")));
    assertThat(s.credential()).isEqualTo(new AzureSettings.Credential.ManagedIdentity(
        java.util.Optional.of("11111111-2222-3333-4444-555555555555")));
    assertThat(s.securityGroupName()).hasValue("aks-agentpool-nsg");
    assertThat(s.vnetResourceGroup()).isEqualTo("net-rg");
    assertThat(s.apiCallsPerSecond()).isEqualTo(6);
    assertThat(s.topology("kubernetes").subnetId("aks-subnet")).isEqualTo("/subscriptions/00000000-1111-2222-3333-"
        + "444444444444/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet");
  }

  @Test
  void aServicePrincipalNeedsItsTenantAndAnEndpointMeansTheSimulatorsStaticToken() {
    assertThat(parse(Map.of("aadClientId", "app", "aadClientSecret", "s3cret", "tenantId", "t")).credential())
        .isEqualTo(new AzureSettings.Credential.ClientSecret("app", "s3cret"))
        .hasToString("ClientSecret[clientId=app, secret=<hidden>]");
    assertThat(parse(Map.of("endpoint", "https://127.0.0.1:8443")).credential())
        .isEqualTo(new AzureSettings.Credential.Static());
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of(Map.of("subscriptionId", "my-sub"), "subscriptionId"),
        Arguments.of(Map.of("location", "West Europe!"), "location"),
        Arguments.of(Map.of("endpoint", "http://127.0.0.1:8443"), "https"),
        Arguments.of(Map.of("cloud", "AzureMoonCloud"), "cloud"),
        Arguments.of(Map.of("loadBalancerSku", "basic"), "Standard"),
        Arguments.of(Map.of("loadBalancerName", "shared"), "loadBalancerName"),
        Arguments.of(Map.of("regoin", "westeurope"), "regoin"),
        Arguments.of(Map.of("apiCallsPerSecond", "0"), "apiCallsPerSecond"),
        Arguments.of(Map.of("aadClientId", "app", "aadClientSecret", "x"), "tenantId"),
        Arguments.of(Map.of("caFile", "/nonexistent/ca.pem"), "caFile"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("bad")
  void badSettingsFailInOneLineNamingTheKey(Map<String, String> extra, String named) {
    assertThatThrownBy(() -> parse(extra)).isInstanceOf(ProviderConfigurationException.class)
        .hasMessageContaining(named).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void requiredKeysAreNamed() {
    assertThatThrownBy(() -> AzureSettings.from(ProviderSettings.empty()))
        .isInstanceOf(ProviderConfigurationException.class).hasMessageContaining("subscriptionId");
  }
}
