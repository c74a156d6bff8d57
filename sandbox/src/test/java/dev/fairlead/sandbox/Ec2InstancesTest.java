package dev.fairlead.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ec2InstancesTest {

  // Shape of a moto 5 RunInstances response (nested <item>s in block devices and interfaces).
  private static final String RESPONSE = """
      <?xml version="1.0" encoding="utf-8"?>
      <RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationId>r-1</reservationId>
      <instancesSet><item><blockDeviceMapping><item><deviceName>/dev/sda1</deviceName></item></blockDeviceMapping>
      <networkInterfaceSet><item><privateIpAddress>192.0.2.99</privateIpAddress></item></networkInterfaceSet>
      <instanceId>i-0abc</instanceId><placement><availabilityZone>eu-west-1b</availabilityZone></placement>
      <privateIpAddress>192.0.2.10</privateIpAddress></item>
      <item><instanceId>i-0def</instanceId><privateIpAddress>192.0.2.11</privateIpAddress></item></instancesSet>
      </RunInstancesResponse>""";

  @Test
  void parsesInstancesIntoProviderIds() {
    List<SandboxNodes.Instance> instances = Ec2Instances.instances(RESPONSE.strip(), "eu-west-1");
    assertThat(instances).containsExactly(
        new SandboxNodes.Instance("aws:///eu-west-1b/i-0abc", "eu-west-1b", "eu-west-1", "192.0.2.10"),
        new SandboxNodes.Instance("aws:///eu-west-1a/i-0def", "eu-west-1a", "eu-west-1", "192.0.2.11"));
  }

  @Test
  void cloudNodesCarryProviderIdZoneAndAddress() {
    var nodes = SandboxNodes.cloud(List.of(new SandboxNodes.Instance("aws:///eu-west-1b/i-0abc", "eu-west-1b", "eu-west-1",
        "192.0.2.10")), Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(nodes.get(0).at("/spec/providerID").asText()).isEqualTo("aws:///eu-west-1b/i-0abc");
    assertThat(nodes.get(0).at("/metadata/labels/topology.kubernetes.io~1zone").asText()).isEqualTo("eu-west-1b");
    assertThat(nodes.get(0).at("/metadata/labels/topology.kubernetes.io~1region").asText()).isEqualTo("eu-west-1");
    assertThat(nodes.get(0).at("/status/addresses/0/address").asText()).isEqualTo("192.0.2.10");
    var bare = SandboxNodes.bareMetal(2, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(bare).hasSize(2);
    assertThat(bare.get(1).at("/spec/providerID").isMissingNode()).isTrue();
    assertThat(bare.get(1).at("/status/addresses/0/address").asText()).isEqualTo("192.0.2.12");
  }
}
