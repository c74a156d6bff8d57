package dev.fairlead.lb.azure.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Resources a user creates by hand, over raw HTTP (not through the provider's code). */
final class UserAddresses {
  static final ObjectMapper JSON = new ObjectMapper();

  private UserAddresses() {}

  /** A Standard static public IP without ownership tags, as a user reserves one; returns its address. */
  static InetAddress create(AzureSim azure, String name) {
    JsonNode pip = put(azure, AzureSim.NET + "/publicIPAddresses/" + name, """
        {"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Static"}}""");
    return InetAddress.ofLiteral(pip.at("/properties/ipAddress").asText());
  }

  static JsonNode put(AzureSim azure, String path, String body) {
    return send(azure, "PUT", path, body);
  }

  static JsonNode get(AzureSim azure, String path) {
    return send(azure, "GET", path, null);
  }

  static JsonNode send(AzureSim azure, String method, String path, String body) {
    try (HttpClient http = HttpClient.newBuilder().sslContext(azure.sim.sslContext()).build()) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(azure.sim.endpoint() + path
              + (path.contains("?") ? "&" : "?") + "api-version=2024-07-01"))
          .header("Authorization", "Bearer user").header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.body().isEmpty() ? JSON.createObjectNode().put("status", response.statusCode())
          : ((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(response.body()))
              .put("httpStatus", response.statusCode());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }
}
