package dev.fairlead.lb.azure.internal;

import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderSettings;
import dev.fairlead.lb.azure.model.Topology;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --provider-config} of the Azure provider: its own YAML keys, and the keys of the
 * upstream cloud-provider-azure {@code azure.json}, so an operator can point at the file the
 * cluster already has. Upstream keys that mean something here are used; those about parts of the
 * cloud-controller-manager that Fairlead does not replace (routes, VM sets) are accepted and
 * ignored; anything else is refused by name.
 *
 * @param subscriptionId the subscription
 * @param tenantId the Entra ID tenant, if given
 * @param resourceGroup the resource group of the load balancers and public IPs
 * @param location the region
 * @param vnetName the virtual network of the nodes
 * @param vnetResourceGroup its resource group
 * @param subnetName the default subnet of internal load balancers
 * @param securityGroupName the network security group whose rules the provider manages, if any
 * @param securityGroupResourceGroup its resource group
 * @param endpoint an ARM endpoint override (a simulator); requests then carry a static token
 * @param cloud the Azure cloud: AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud
 * @param caFile a PEM certificate to trust in addition to the JDK's (a simulator's)
 * @param apiCallsPerSecond the client-side rate limit of all ARM calls of this provider
 * @param maxThrottleDelay the longest shared throttling delay
 * @param pollInterval the wait between operation polls when Azure sends no {@code Retry-After}
 * @param operationTimeout how long one long-running operation may take
 * @param credential how to authenticate
 */
public record AzureSettings(
    String subscriptionId,
    Optional<String> tenantId,
    String resourceGroup,
    String location,
    String vnetName,
    String vnetResourceGroup,
    String subnetName,
    Optional<String> securityGroupName,
    String securityGroupResourceGroup,
    Optional<URI> endpoint,
    String cloud,
    Optional<Path> caFile,
    int apiCallsPerSecond,
    Duration maxThrottleDelay,
    Duration pollInterval,
    Duration operationTimeout,
    Credential credential) {

  /** How the provider authenticates. */
  public sealed interface Credential {
    /** DefaultAzureCredential: workload identity, managed identity, environment, Azure CLI. */
    record Default() implements Credential {}

    /**
     * A service principal with a secret ({@code aadClientId}/{@code aadClientSecret}).
     *
     * @param clientId the application id
     * @param secret the secret
     */
    record ClientSecret(String clientId, String secret) implements Credential {
      @Override
      public String toString() {
        return "ClientSecret[clientId=" + clientId + ", secret=<hidden>]";
      }
    }

    /**
     * A managed identity ({@code useManagedIdentityExtension}).
     *
     * @param clientId the user-assigned identity's client id, or empty for the system identity
     */
    record ManagedIdentity(Optional<String> clientId) implements Credential {}

    /** A fixed bearer token, for a simulator at {@code endpoint}. */
    record Static() implements Credential {}
  }

  /** Our own keys. */
  static final Set<String> KEYS = Set.of("subscriptionId", "tenantId", "resourceGroup", "location", "vnetName",
      "vnetResourceGroup", "subnetName", "securityGroupName", "securityGroupResourceGroup", "endpoint", "cloud",
      "caFile", "apiCallsPerSecond", "maxThrottleDelay", "pollInterval", "operationTimeout", "credential",
      // upstream azure.json keys with a meaning here
      "aadClientId", "aadClientSecret", "useManagedIdentityExtension", "userAssignedIdentityID",
      "loadBalancerSku", "cloudProviderRateLimit", "cloudProviderRateLimitQPS", "cloudProviderRateLimitQPSWrite",
      "loadBalancerBackendPoolConfigurationType", "loadBalancerName");

  /** Upstream azure.json keys about what Fairlead does not replace: accepted and ignored. */
  static final Set<String> IGNORED_UPSTREAM = Set.of("routeTableName", "routeTableResourceGroup",
      "primaryAvailabilitySetName", "primaryScaleSetName", "vmType", "useInstanceMetadata",
      "excludeMasterFromStandardLB", "disableOutboundSNAT", "maximumLoadBalancerRuleCount", "cloudProviderBackoff",
      "cloudProviderBackoffRetries", "cloudProviderBackoffExponent", "cloudProviderBackoffDuration",
      "cloudProviderBackoffJitter", "cloudProviderRateLimitBucket", "cloudProviderRateLimitBucketWrite",
      "aadClientCertPath", "aadClientCertPassword", "useFederatedWorkloadIdentityExtension", "aadFederatedTokenFile",
      "clusterName", "userAgent", "enableMultipleStandardLoadBalancers", "nodePoolsWithoutDedicatedSLB",
      "putVMSSVMBatchSize", "enableMigrateToIPBasedBackendPoolAPI", "vmCacheTTLInSeconds", "loadBalancerCacheTTLInSeconds",
      "nsgCacheTTLInSeconds", "routeTableCacheTTLInSeconds", "availabilitySetNodesCacheTTLInSeconds",
      "vmssCacheTTLInSeconds", "vmssVirtualMachinesCacheTTLInSeconds", "publicIPCacheTTLInSeconds",
      "identitySystem", "networkResourceTenantID", "networkResourceSubscriptionID",
      "disableAvailabilitySetNodes", "enableVmssFlexNodes", "tags", "systemTags",
      "clusterServiceLoadBalancerHealthProbeMode", "clusterServiceSharedLoadBalancerHealthProbePort",
      "clusterServiceSharedLoadBalancerHealthProbePath", "preConfiguredBackendPoolLoadBalancerTypes",
      "useStandardLoadBalancer");

  private static final Map<String, String> CLOUDS = Map.of(
      "azurepubliccloud", "AzurePublicCloud", "azurechinacloud", "AzureChinaCloud",
      "azureusgovernmentcloud", "AzureUSGovernmentCloud");

  /**
   * Reads and validates the settings.
   *
   * @param settings the flat settings
   * @return the typed settings
   * @throws ProviderConfigurationException naming the bad key, in one line
   */
  public static AzureSettings from(ProviderSettings settings) {
    Set<String> unknown = new TreeSet<>();
    for (String key : settings.values().keySet()) {
      String root = key.split("[.\\[]", 2)[0];
      if (!KEYS.contains(root) && !IGNORED_UPSTREAM.contains(root) && !root.startsWith("multipleStandardLoadBalancer")) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ProviderConfigurationException("unknown setting(s) " + unknown + "; known settings: "
          + new TreeSet<>(KEYS) + " and the upstream azure.json keys");
    }
    String subscription = settings.required("subscriptionId");
    if (!subscription.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new ProviderConfigurationException("setting 'subscriptionId' must be a subscription GUID, got '"
          + subscription + "'");
    }
    String group = groupName(settings, "resourceGroup", settings.required("resourceGroup"));
    String location = settings.required("location").toLowerCase(Locale.ROOT).replace(" ", "");
    if (!location.matches("[a-z0-9]+")) {
      throw new ProviderConfigurationException("setting 'location' must be an Azure region such as westeurope, got '"
          + settings.required("location") + "'");
    }
    String vnet = settings.required("vnetName");
    String subnet = settings.required("subnetName");
    Optional<String> nsg = settings.optional("securityGroupName");
    settings.optional("loadBalancerSku").ifPresent(sku -> {
      if (!sku.equalsIgnoreCase("standard")) {
        throw new ProviderConfigurationException("setting 'loadBalancerSku' is '" + sku
            + "'; this provider manages Standard load balancers only");
      }
    });
    settings.optional("loadBalancerName").ifPresent(name -> {
      throw new ProviderConfigurationException("setting 'loadBalancerName' ('" + name + "') is not supported: the"
          + " shared load balancers are named after --cluster-name, as upstream does by default");
    });
    settings.optional("loadBalancerBackendPoolConfigurationType").ifPresent(type -> {
      if (!type.equalsIgnoreCase("nodeIP") && !type.equalsIgnoreCase("nodeIPConfiguration")) {
        throw new ProviderConfigurationException("setting 'loadBalancerBackendPoolConfigurationType' is '" + type
            + "'; this provider uses an IP-based pool (nodeIP)");
      }
    });
    Optional<URI> endpoint = settings.optional("endpoint").map(raw -> {
      try {
        URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new ProviderConfigurationException("setting 'endpoint' must be an https:// URL (Azure sends tokens only"
            + " over HTTPS), got '" + raw + "'");
      }
    });
    String cloud = settings.optional("cloud").map(c -> {
      String known = CLOUDS.get(c.toLowerCase(Locale.ROOT));
      if (known == null) {
        throw new ProviderConfigurationException("setting 'cloud' must be one of " + new TreeSet<>(CLOUDS.values())
            + ", got '" + c + "'");
      }
      return known;
    }).orElse("AzurePublicCloud");
    Optional<Path> ca = settings.optional("caFile").map(Path::of);
    ca.ifPresent(p -> {
      if (!Files.isReadable(p)) {
        throw new ProviderConfigurationException("setting 'caFile': cannot read " + p);
      }
    });
    int defaultRate = settings.bool("cloudProviderRateLimit", false)
        ? settings.integer("cloudProviderRateLimitQPS", 10, 1, 1000) : 20;
    int rate = settings.integer("apiCallsPerSecond", defaultRate, 1, 1000);
    Credential credential = credential(settings, endpoint.isPresent());
    return new AzureSettings(subscription, settings.optional("tenantId"), group, location, vnet,
        groupName(settings, "vnetResourceGroup", settings.optional("vnetResourceGroup").orElse(group)), subnet, nsg,
        groupName(settings, "securityGroupResourceGroup", settings.optional("securityGroupResourceGroup").orElse(group)),
        endpoint, cloud, ca, rate, settings.duration("maxThrottleDelay", Duration.ofSeconds(30)),
        settings.duration("pollInterval", Duration.ofSeconds(5)),
        settings.duration("operationTimeout", Duration.ofMinutes(10)), credential);
  }

  private static Credential credential(ProviderSettings settings, boolean simulator) {
    String explicit = settings.optional("credential").orElse(simulator ? "static" : "");
    if (explicit.equalsIgnoreCase("static")) {
      return new Credential.Static();
    }
    if (!explicit.isEmpty() && !explicit.equalsIgnoreCase("default")) {
      throw new ProviderConfigurationException("setting 'credential' must be 'default' or 'static', got '" + explicit
          + "'");
    }
    if (settings.bool("useManagedIdentityExtension", false)) {
      return new Credential.ManagedIdentity(settings.optional("userAssignedIdentityID"));
    }
    Optional<String> client = settings.optional("aadClientId");
    Optional<String> secret = settings.optional("aadClientSecret");
    if (client.isPresent() && secret.isPresent() && !client.get().equalsIgnoreCase("msi")) {
      if (settings.optional("tenantId").isEmpty()) {
        throw new ProviderConfigurationException("setting 'tenantId' is required with 'aadClientId'/'aadClientSecret'");
      }
      return new Credential.ClientSecret(client.get(), secret.get());
    }
    return new Credential.Default();
  }

  private static String groupName(ProviderSettings settings, String key, String value) {
    if (!value.matches("[-\\w._()]{0,89}[-\\w_()]")) {
      throw new ProviderConfigurationException("setting '" + key + "' must be a resource group name, got '" + value
          + "'");
    }
    return value;
  }

  /**
   * The pure part the model needs.
   *
   * @param cluster the cluster name
   * @return the topology
   */
  public Topology topology(String cluster) {
    return new Topology(cluster, subscriptionId, resourceGroup, location, vnetResourceGroup, vnetName, subnetName,
        securityGroupName.map(n -> new Topology.SecurityGroupRef(securityGroupResourceGroup, n)));
  }
}
