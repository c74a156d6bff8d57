package dev.fairlead.lb.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.network.fluent.PublicIpAddressesClient;
import com.azure.resourcemanager.network.fluent.models.PublicIpAddressInner;
import com.azure.resourcemanager.network.models.IpAllocationMethod;
import com.azure.resourcemanager.network.models.IpVersion;
import com.azure.resourcemanager.network.models.ProvisioningState;
import com.azure.resourcemanager.network.models.PublicIpAddressDnsSettings;
import com.azure.resourcemanager.network.models.PublicIpAddressSku;
import com.azure.resourcemanager.network.models.PublicIpAddressSkuName;
import com.azure.resourcemanager.network.models.PublicIpAddressSkuTier;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.azure.model.DesiredService;
import dev.fairlead.lb.azure.model.Names;
import dev.fairlead.lb.azure.model.Topology;
import dev.fairlead.lb.cloud.CallKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public IP addresses of Services: one Standard static address per public Service, created in
 * parallel (each Service's own call, no shared lock), kept in a cache filled by one list at start,
 * so an unchanged Service costs no read.
 */
final class PublicIps {
  /** An address resource as far as the provider cares. */
  record Address(String id, String name, String resourceGroup, Optional<String> ip, Map<String, String> tags,
      Optional<String> dnsLabel, boolean succeeded) {
    boolean ownedBy(String cluster, String service) {
      return cluster.equals(tags.get(Names.CLUSTER_TAG)) && service.equals(tags.get(Names.SERVICE_TAG));
    }
  }

  private final Topology topology;
  private final Arm arm;
  private final Map<String, Optional<Address>> cache = new ConcurrentHashMap<>();

  PublicIps(Topology topology, Arm arm) {
    this.topology = topology;
    this.arm = arm;
  }

  private PublicIpAddressesClient client() {
    return arm.client().getPublicIpAddresses();
  }

  /**
   * Lists a resource group's addresses into the cache (one request).
   *
   * @param resourceGroup the group
   */
  void list(String resourceGroup) {
    var all = arm.gate().call("publicIPAddresses.list", CallKind.READ,
        () -> client().listByResourceGroup(resourceGroup).stream().toList());
    cache.keySet().removeIf(k -> k.startsWith(("/subscriptions/" + topology.subscription() + "/resourceGroups/"
        + resourceGroup + "/").toLowerCase(Locale.ROOT)));
    for (PublicIpAddressInner pip : all) {
      cache.put(key(pip.id()), Optional.of(address(pip)));
    }
    listed.put(resourceGroup.toLowerCase(Locale.ROOT), Boolean.TRUE);
  }

  private final Map<String, Boolean> listed = new ConcurrentHashMap<>();

  /**
   * An address by name, from the cache (or read once).
   *
   * @param resourceGroup its group
   * @param name its name
   * @return the address, if it exists
   */
  Optional<Address> get(String resourceGroup, String name) {
    String id = topology.publicIpId(resourceGroup, name);
    Optional<Address> cached = cache.get(key(id));
    if (cached != null) {
      return cached;
    }
    if (listed.containsKey(resourceGroup.toLowerCase(Locale.ROOT))) {
      return Optional.empty(); // the start-up list is complete for this group, and we wrote since
    }
    return refresh(resourceGroup, name);
  }

  /**
   * Reads an address now.
   *
   * @param resourceGroup its group
   * @param name its name
   * @return the address, if it exists
   */
  Optional<Address> refresh(String resourceGroup, String name) {
    Optional<Address> found = arm.read("publicIPAddresses.get",
        () -> client().getByResourceGroupWithResponse(resourceGroup, name, null, Context.NONE)).map(PublicIps::address);
    cache.put(key(topology.publicIpId(resourceGroup, name)), found);
    return found;
  }

  /**
   * The address resource holding an IP, from the cache or one list of the group.
   *
   * @param resourceGroup where to look
   * @param ip the address
   * @return the resource, if any
   */
  Optional<Address> byIp(String resourceGroup, String ip) {
    Optional<Address> found = cachedByIp(resourceGroup, ip);
    if (found.isPresent()) {
      return found;
    }
    list(resourceGroup);
    return cachedByIp(resourceGroup, ip);
  }

  private Optional<Address> cachedByIp(String resourceGroup, String ip) {
    return cache.values().stream().flatMap(Optional::stream)
        .filter(a -> a.resourceGroup().equalsIgnoreCase(resourceGroup) && a.ip().filter(ip::equals).isPresent())
        .findFirst();
  }

  /**
   * An address the provider created for a Service, found by its ownership tags (a Service whose
   * {@code azure-pip-name} is no longer known after a restart).
   *
   * @param service the Service's {@code namespace/name}
   * @return the address, if the cache has one
   */
  Optional<Address> ownedBy(String service) {
    return cache.values().stream().flatMap(Optional::stream).filter(a -> a.ownedBy(topology.cluster(), service))
        .findFirst();
  }

  /**
   * Every address in the cache with this cluster's tag: the live frontends of the cluster.
   *
   * @return the IPs
   */
  java.util.Set<String> clusterIps() {
    java.util.Set<String> out = new java.util.HashSet<>();
    cache.values().stream().flatMap(Optional::stream)
        .filter(a -> topology.cluster().equals(a.tags().get(Names.CLUSTER_TAG)))
        .forEach(a -> a.ip().ifPresent(out::add));
    return out;
  }

  /**
   * Makes sure a Service's address exists as desired; creates it if missing, updates its tags or
   * DNS label if they differ. A user's existing address ({@code azure-pip-name} naming one the
   * provider did not create) is used as it is.
   *
   * @param desired the address resource
   * @return the address, with its IP
   */
  Address ensure(DesiredService.DesiredPublicIp desired) {
    // A user's own address may have been created after the start-up list: never trust the list's
    // "absent" for a name the user chose, or their address would be taken over (and later deleted).
    Optional<Address> cached = cache.get(key(topology.publicIpId(desired.resourceGroup(), desired.name())));
    Optional<Address> existing = desired.userNamed() && (cached == null || cached.isEmpty())
        ? refresh(desired.resourceGroup(), desired.name()) : get(desired.resourceGroup(), desired.name());
    if (existing.isPresent()) {
      Address a = existing.get();
      boolean foreign = desired.userNamed() && !topology.cluster().equals(a.tags().get(Names.CLUSTER_TAG));
      boolean tagsMatch = desired.tags().entrySet().stream()
          .allMatch(e -> Objects.equals(a.tags().get(e.getKey()), e.getValue()));
      if (a.succeeded() && a.ip().isPresent() && (foreign || tagsMatch) && dnsMatches(a, desired)) {
        return a;
      }
    }
    Map<String, String> tags = new LinkedHashMap<>(existing.map(Address::tags).orElse(Map.of()));
    tags.putAll(desired.tags());
    PublicIpAddressInner body = new PublicIpAddressInner().withLocation(topology.location())
        .withSku(new PublicIpAddressSku().withName(PublicIpAddressSkuName.STANDARD)
            .withTier(PublicIpAddressSkuTier.REGIONAL))
        .withPublicIpAllocationMethod(IpAllocationMethod.STATIC).withPublicIpAddressVersion(IpVersion.IPV4)
        .withTags(tags);
    desired.dnsLabel().ifPresent(label -> body.withDnsSettings(new PublicIpAddressDnsSettings()
        .withDomainNameLabel(label)));
    Arm.Written answer;
    try {
      answer = arm.write("publicIPAddresses.createOrUpdate",
          () -> client().createOrUpdateWithResponseAsync(desired.resourceGroup(), desired.name(), body), null, null);
    } catch (HttpResponseException e) {
      throw Arm.failure("public IP " + desired.name(), e);
    } catch (OperationFailedException e) {
      cache.remove(key(topology.publicIpId(desired.resourceGroup(), desired.name())));
      throw new ProviderFailureException("public IP " + desired.name() + ": " + e.getMessage(), e);
    }
    Address written = address(parse(answer.body()));
    if (written.ip().isPresent()) {
      // The operation has finished (awaited above); the address in its first answer is final.
      written = new Address(written.id(), written.name(), written.resourceGroup(), written.ip(), written.tags(),
          written.dnsLabel(), true);
      cache.put(key(written.id()), Optional.of(written));
      return written;
    }
    return refresh(desired.resourceGroup(), desired.name())
        .orElseThrow(() -> new ProviderFailureException("public IP " + desired.name() + " vanished after its creation"));
  }

  private static boolean dnsMatches(Address a, DesiredService.DesiredPublicIp desired) {
    return desired.dnsLabel().isEmpty() || desired.dnsLabel().equals(a.dnsLabel());
  }

  /**
   * Deletes an address; one that is gone already is fine.
   *
   * @param address the address
   */
  void delete(Address address) {
    try {
      arm.write("publicIPAddresses.delete", () -> client().deleteWithResponseAsync(address.resourceGroup(),
          address.name()), null, null);
    } catch (HttpResponseException e) {
      if (ArmErrors.status(e) != 404) {
        throw Arm.failure("public IP " + address.name(), e);
      }
    } catch (OperationFailedException e) {
      throw new ProviderFailureException("public IP " + address.name() + ": " + e.getMessage(), e);
    }
    cache.put(key(address.id()), Optional.empty());
  }

  private static Address address(PublicIpAddressInner pip) {
    String[] parts = pip.id().split("/");
    Map<String, String> tags = pip.tags() == null ? Map.of() : Map.copyOf(pip.tags());
    Optional<String> dns = Optional.ofNullable(pip.dnsSettings()).map(PublicIpAddressDnsSettings::domainNameLabel);
    return new Address(pip.id(), pip.name(), parts.length > 4 ? parts[4] : "", Optional.ofNullable(pip.ipAddress()),
        tags, dns, pip.provisioningState() == null || ProvisioningState.SUCCEEDED.equals(pip.provisioningState()));
  }

  private static PublicIpAddressInner parse(byte[] json) {
    try (JsonReader reader = JsonProviders.createReader(json)) {
      return PublicIpAddressInner.fromJson(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse a public IP: " + e.getMessage(), e);
    }
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }
}
