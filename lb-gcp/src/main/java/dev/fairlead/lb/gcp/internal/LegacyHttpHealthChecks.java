package dev.fairlead.lb.gcp.internal;

import com.google.api.gax.httpjson.HttpJsonStatusCode;
import com.google.api.gax.rpc.ApiExceptionFactory;
import com.google.api.gax.rpc.StatusCode;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.compute.v1.Operation;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.fairlead.lb.api.ProviderConfigurationException;
import dev.fairlead.lb.gcp.model.GcpSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy {@code global/httpHealthChecks} collection over plain HTTPS JSON. Target pools accept
 * only these checks, but the Java client no longer has them (google-cloud-compute dropped the
 * {@code HttpHealthChecks} API), so these four calls are made here, with the same credentials
 * (Application Default Credentials, none for an endpoint override) and the same exceptions as the
 * client's ({@link com.google.api.gax.rpc.ApiException} by HTTP status), so the call gate treats
 * them alike.
 */
final class LegacyHttpHealthChecks {
  private static final String SCOPE = "https://www.googleapis.com/auth/compute";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final Optional<GoogleCredentials> credentials;

  /** A health check as read. */
  record Check(String name, int port, String requestPath) {}

  LegacyHttpHealthChecks(GcpSettings settings) {
    this.base = settings.endpoint().map(e -> trim(e.toString()) + "/compute/v1/")
        .orElse("https://compute.googleapis.com/compute/v1/");
    if (settings.endpoint().isPresent()) {
      this.credentials = Optional.empty();
    } else {
      try {
        this.credentials = Optional.of(GoogleCredentials.getApplicationDefault().createScoped(List.of(SCOPE)));
      } catch (IOException e) {
        throw new ProviderConfigurationException("no Application Default Credentials: " + e.getMessage());
      }
    }
  }

  Check get(String project, String name) {
    Struct s = struct(send("GET", path(project, name), null));
    return new Check(text(s, "name"), (int) s.getFieldsOrDefault("port", Value.newBuilder().setNumberValue(80).build())
        .getNumberValue(), text(s, "requestPath"));
  }

  Operation insert(String project, String body) {
    return operation(send("POST", "projects/" + project + "/global/httpHealthChecks", body));
  }

  Operation update(String project, String name, String body) {
    return operation(send("PUT", path(project, name), body));
  }

  Operation delete(String project, String name) {
    return operation(send("DELETE", path(project, name), null));
  }

  /** The JSON body of a check. */
  static String body(String name, String description, int port, String path, int interval, int timeout, int healthy,
      int unhealthy) {
    return "{\"name\":" + quote(name) + ",\"description\":" + quote(description) + ",\"port\":" + port
        + ",\"requestPath\":" + quote(path) + ",\"checkIntervalSec\":" + interval + ",\"timeoutSec\":" + timeout
        + ",\"healthyThreshold\":" + healthy + ",\"unhealthyThreshold\":" + unhealthy + "}";
  }

  private static String quote(String text) {
    try {
      return JsonFormat.printer().print(Value.newBuilder().setStringValue(text).build());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String path(String project, String name) {
    return "projects/" + project + "/global/httpHealthChecks/" + name;
  }

  private String send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("User-Agent", "fairlead-gcp").header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      if (credentials.isPresent()) {
        for (Map.Entry<String, List<String>> h : credentials.get().getRequestMetadata(URI.create(base)).entrySet()) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() >= 400) {
        throw ApiExceptionFactory.createException(response.body(), null,
            HttpJsonStatusCode.of(response.statusCode()), response.statusCode() >= 500);
      }
      return response.body();
    } catch (IOException e) {
      throw ApiExceptionFactory.createException(e, HttpJsonStatusCode.of(StatusCode.Code.UNAVAILABLE), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiExceptionFactory.createException(e, HttpJsonStatusCode.of(StatusCode.Code.CANCELLED), false);
    }
  }

  private static Operation operation(String json) {
    Operation.Builder op = Operation.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, op);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable operation: " + e.getMessage(), e);
    }
    return op.build();
  }

  private static Struct struct(String json) {
    Struct.Builder s = Struct.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, s);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable health check: " + e.getMessage(), e);
    }
    return s.build();
  }

  private static String text(Struct s, String field) {
    return s.getFieldsOrDefault(field, Value.newBuilder().setStringValue("").build()).getStringValue();
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
