package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Launches the EC2 instances behind the {@code aws} sandbox's Nodes, with the EC2 Query API over
 * the configured endpoint (moto or LocalStack; neither checks signatures, so requests carry only
 * the credential scope that tells them the region).
 */
final class Ec2Instances {
  private static final Pattern SUBNET = Pattern.compile("<subnetId>(subnet-[0-9a-f]+)</subnetId>");
  private static final Pattern VPC = Pattern.compile("<vpcId>(vpc-[0-9a-f]+)</vpcId>");
  private static final Pattern GROUP = Pattern.compile("<groupId>(sg-[0-9a-f]+)</groupId>");
  private static final Pattern ERROR = Pattern.compile("<Message>([^<]*)</Message>");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Ec2Instances.class);

  private final URI endpoint;
  private final String region;
  private final Optional<String> vpcId;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Ec2Instances(URI endpoint, String region, Optional<String> vpcId) {
    this.endpoint = endpoint;
    this.region = region;
    this.vpcId = vpcId;
  }

  /**
   * The EC2 API of an emulator.
   *
   * @param endpoint the emulator's URL
   * @param region the region
   * @param vpcId the VPC to run in, or empty for the default VPC
   * @return the client
   */
  static Ec2Instances of(URI endpoint, String region, Optional<String> vpcId) {
    emulatorCredentials();
    return new Ec2Instances(endpoint, region, vpcId);
  }

  /**
   * Emulators accept any credentials, but the AWS SDK refuses to sign without some: when none are
   * configured (environment or system properties), the sandbox process uses fixed dummy ones.
   */
  private static void emulatorCredentials() {
    boolean configured = System.getenv("AWS_ACCESS_KEY_ID") != null || System.getenv("AWS_PROFILE") != null
        || System.getProperty("aws.accessKeyId") != null;
    if (!configured) {
      System.setProperty("aws.accessKeyId", "sandbox");
      System.setProperty("aws.secretAccessKey", "sandbox");
    }
  }

  /**
   * What the sandbox set up in the emulator.
   *
   * @param instances the nodes' instances
   * @param vpcId the VPC they run in (from the config, else the emulator's default VPC)
   */
  record Launch(List<SandboxNodes.Instance> instances, Optional<String> vpcId) {}

  /**
   * Prepares the emulator like a cluster's infrastructure, then runs the nodes' instances: the
   * VPC's subnets get the {@code kubernetes.io/role/elb} and cluster tags, its default security
   * group the cluster tag (the node security group), as cluster installers do on AWS.
   *
   * @param count how many instances (0: none, but the network is still prepared)
   * @param cluster the cluster name
   * @return the instances, with providerIDs {@code aws:///<zone>/<id>}, and the VPC
   * @throws CliException if the endpoint cannot be reached or refuses
   */
  Launch prepare(int count, String cluster) {
    Optional<String> vpc = vpcId.or(this::defaultVpc);
    vpc.ifPresent(v -> tagNetwork(v, cluster));
    return new Launch(launch(count), vpc);
  }

  private Optional<String> defaultVpc() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "DescribeVpcs");
    params.put("Version", "2016-11-15");
    params.put("Filter.1.Name", "isDefault");
    params.put("Filter.1.Value.1", "true");
    return first(VPC, call(params));
  }

  private void tagNetwork(String vpc, String cluster) {
    Map<String, String> subnets = new LinkedHashMap<>();
    subnets.put("Action", "DescribeSubnets");
    subnets.put("Version", "2016-11-15");
    subnets.put("Filter.1.Name", "vpc-id");
    subnets.put("Filter.1.Value.1", vpc);
    List<String> subnetIds = all(SUBNET, call(subnets));
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put("Action", "DescribeSecurityGroups");
    groups.put("Version", "2016-11-15");
    groups.put("Filter.1.Name", "vpc-id");
    groups.put("Filter.1.Value.1", vpc);
    groups.put("Filter.2.Name", "group-name");
    groups.put("Filter.2.Value.1", "default");
    List<String> groupIds = all(GROUP, call(groups));
    String clusterTag = "kubernetes.io/cluster/" + cluster;
    if (!subnetIds.isEmpty()) {
      // Both roles: moto 5 matches a tag-key filter with several values only if all are present.
      createTags(subnetIds, Map.of("kubernetes.io/role/elb", "1", "kubernetes.io/role/internal-elb", "1",
          clusterTag, "shared"));
    }
    if (!groupIds.isEmpty()) {
      createTags(groupIds.subList(0, 1), Map.of(clusterTag, "owned"));
    }
  }

  private void createTags(List<String> resources, Map<String, String> tags) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "CreateTags");
    params.put("Version", "2016-11-15");
    for (int i = 0; i < resources.size(); i++) {
      params.put("ResourceId." + (i + 1), resources.get(i));
    }
    int n = 1;
    for (Map.Entry<String, String> tag : new java.util.TreeMap<>(tags).entrySet()) {
      params.put("Tag." + n + ".Key", tag.getKey());
      params.put("Tag." + n + ".Value", tag.getValue());
      n++;
    }
    call(params);
  }

  /**
   * Terminates instances the sandbox started; a failure is logged, not thrown (the sandbox is
   * stopping).
   *
   * @param providerIds the nodes' providerIDs ({@code aws:///<zone>/<id>})
   * @return whether the emulator accepted the termination
   */
  boolean terminate(List<String> providerIds) {
    if (providerIds.isEmpty()) {
      return true;
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "TerminateInstances");
    params.put("Version", "2016-11-15");
    for (int i = 0; i < providerIds.size(); i++) {
      String id = providerIds.get(i);
      params.put("InstanceId." + (i + 1), id.substring(id.lastIndexOf('/') + 1));
    }
    try {
      call(params);
      return true;
    } catch (CliException e) {
      LOG.warn("Could not terminate the sandbox's EC2 instances {}: {}", providerIds, e.getMessage());
      return false;
    }
  }

  private List<SandboxNodes.Instance> launch(int count) {
    if (count == 0) {
      return List.of();
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "RunInstances");
    params.put("Version", "2016-11-15");
    params.put("ImageId", "ami-12c6146b");
    params.put("InstanceType", "t3.micro");
    params.put("MinCount", Integer.toString(count));
    params.put("MaxCount", Integer.toString(count));
    params.put("TagSpecification.1.ResourceType", "instance");
    params.put("TagSpecification.1.Tag.1.Key", "Name");
    params.put("TagSpecification.1.Tag.1.Value", "fairlead-sandbox-node");
    vpcId.flatMap(this::subnetOf).ifPresent(subnet -> params.put("SubnetId", subnet));
    params.put("TagSpecification.1.Tag.2.Key", "kubernetes.io/cluster/" + Sandbox.CLUSTER);
    params.put("TagSpecification.1.Tag.2.Value", "owned");
    List<SandboxNodes.Instance> out = instances(call(params), region);
    if (out.size() != count) {
      throw new CliException("RunInstances at " + endpoint + " returned " + out.size() + " instances, expected " + count);
    }
    return out;
  }

  /**
   * The instances in a RunInstances response.
   *
   * @param xml the response
   * @param region the region (zone fallback)
   * @return the instances
   */
  static List<SandboxNodes.Instance> instances(String xml, String region) {
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new CliException("RunInstances returned a response that is not XML: " + e.getMessage());
    }
    List<SandboxNodes.Instance> out = new ArrayList<>();
    NodeList sets = doc.getElementsByTagNameNS("*", "instancesSet");
    for (int s = 0; s < sets.getLength(); s++) {
      for (Element item : children((Element) sets.item(s), "item")) {
        String id = children(item, "instanceId").stream().findFirst().map(Element::getTextContent).orElse("");
        String zone = children(item, "placement").stream()
            .flatMap(p -> children(p, "availabilityZone").stream()).findFirst()
            .map(Element::getTextContent).orElse(region + "a");
        String ip = children(item, "privateIpAddress").stream().findFirst().map(Element::getTextContent)
            .orElse("");
        if (!id.isEmpty()) {
          out.add(new SandboxNodes.Instance("aws:///" + zone + "/" + id, zone, region, ip));
        }
      }
    }
    return out;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && name.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }

  private Optional<String> subnetOf(String vpc) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Action", "DescribeSubnets");
    params.put("Version", "2016-11-15");
    params.put("Filter.1.Name", "vpc-id");
    params.put("Filter.1.Value.1", vpc);
    return first(SUBNET, call(params));
  }

  private String call(Map<String, String> params) {
    String form = params.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
    HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=sandbox/" + date + "/" + region
            + "/ec2/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new CliException(params.get("Action") + " at " + endpoint + " failed with HTTP "
            + response.statusCode() + first(ERROR, response.body()).map(m -> ": " + m).orElse(""));
      }
      return response.body();
    } catch (IOException e) {
      throw new CliException("cannot reach the EC2 endpoint " + endpoint + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while calling " + endpoint);
    }
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> out = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (!out.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static Optional<String> first(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
