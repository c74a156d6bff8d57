package dev.fairlead.lb.azure.internal;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.AddHeadersFromContextPolicy;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.network.NetworkManager;
import dev.fairlead.lb.api.IpFamily;
import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.api.ProviderContext;
import dev.fairlead.lb.api.Protocol;
import dev.fairlead.lb.cloud.CallGate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import reactor.core.publisher.Mono;

/** Builds the Azure provider from a context: settings, credentials, the HTTP pipeline, the gate. */
public final class AzureProviders {
  static final ProviderCapabilities CAPABILITIES = new ProviderCapabilities(Set.of(Protocol.TCP, Protocol.UDP),
      true, true, true, true, Set.of(IpFamily.IPV4));

  private AzureProviders() {}

  /**
   * What the provider can do.
   *
   * @return TCP and UDP, mixed, source ranges, requested addresses, the Local policy, IPv4
   */
  public static ProviderCapabilities capabilities() {
    return CAPABILITIES;
  }

  /**
   * Creates a provider.
   *
   * @param context the cluster name, settings and listener
   * @return the provider
   * @throws ProviderConfigurationException for bad settings
   */
  public static LoadBalancerProvider create(ProviderContext context) {
    AzureSettings settings = AzureSettings.from(context.settings());
    AzureEnvironment environment = environment(settings);
    TokenCredential credential = credential(settings, environment);
    java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10));
    settings.caFile().ifPresent(ca -> jdk.sslContext(trusting(ca)));
    HttpClient http = new JdkHttpClientBuilder(jdk).responseTimeout(Duration.ofSeconds(60)).build();
    String scope = environment.getResourceManagerEndpoint().replaceAll("/+$", "") + "/.default";
    // No RetryPolicy: every attempt goes through the call gate, which counts it and decides.
    HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http).policies(
        new UserAgentPolicy("fairlead-lb-azure/0.1"), new RequestIdPolicy(), new AddHeadersFromContextPolicy(),
        new BearerTokenAuthenticationPolicy(credential, scope)).build();
    AzureProfile profile = new AzureProfile(settings.tenantId().orElse(null), settings.subscriptionId(), environment);
    var client = NetworkManager.authenticate(pipeline, profile).serviceClient();
    CallGate gate = new CallGate(new CallGate.Settings("ARM", settings.apiCallsPerSecond(),
        settings.maxThrottleDelay(), 8), context.apiCalls(), new ArmErrors());
    Arm arm = new Arm(client, pipeline, gate, CallGate.Sleeper.SYSTEM, CallGate.Ticker.SYSTEM,
        settings.pollInterval(), settings.operationTimeout());
    return new AzureLoadBalancerProvider(settings.topology(context.clusterName()), arm, CallGate.Ticker.SYSTEM);
  }

  private static AzureEnvironment environment(AzureSettings settings) {
    AzureEnvironment base = switch (settings.cloud()) {
      case "AzureChinaCloud" -> AzureEnvironment.AZURE_CHINA;
      case "AzureUSGovernmentCloud" -> AzureEnvironment.AZURE_US_GOVERNMENT;
      default -> AzureEnvironment.AZURE;
    };
    if (settings.endpoint().isEmpty()) {
      return base;
    }
    Map<String, String> endpoints = new HashMap<>(base.getEndpoints());
    endpoints.put("resourceManagerEndpointUrl", settings.endpoint().get() + "/");
    return new AzureEnvironment(endpoints);
  }

  private static TokenCredential credential(AzureSettings settings, AzureEnvironment environment) {
    String authority = environment.getActiveDirectoryEndpoint();
    return switch (settings.credential()) {
      case AzureSettings.Credential.Static s ->
          request -> Mono.just(new AccessToken("fairlead-simulator", OffsetDateTime.now().plusHours(1)));
      case AzureSettings.Credential.ClientSecret c -> new ClientSecretCredentialBuilder().authorityHost(authority)
          .tenantId(settings.tenantId().orElseThrow()).clientId(c.clientId()).clientSecret(c.secret()).build();
      case AzureSettings.Credential.ManagedIdentity m -> {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        m.clientId().ifPresent(builder::clientId);
        yield builder.build();
      }
      case AzureSettings.Credential.Default d -> {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().authorityHost(authority);
        settings.tenantId().ifPresent(builder::tenantId);
        yield builder.build();
      }
    };
  }

  /** A TLS context trusting the JDK's CAs and the certificates in a PEM file (a simulator's). */
  private static SSLContext trusting(java.nio.file.Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("extra-" + i++, c);
      }
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      for (var tm : defaults.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, c);
          }
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new ProviderConfigurationException("setting 'caFile': cannot read certificates from " + pem + ": "
          + e.getMessage());
    }
  }
}
