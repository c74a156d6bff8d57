package dev.fairlead.sim.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * Reads and resets a simulator's {@link RequestRecorder} over HTTP(S), for tests and benchmarks
 * that count what a provider asked of the cloud.
 */
public final class RecorderClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http;

  /**
   * A client for a plain-HTTP simulator.
   *
   * @param base the simulator's base URL
   */
  public RecorderClient(URI base) {
    this(base, null);
  }

  /**
   * A client for a simulator, trusting {@code ssl} for HTTPS.
   *
   * @param base the simulator's base URL
   * @param ssl the TLS context for an HTTPS simulator, or null for the JDK default
   */
  public RecorderClient(URI base, SSLContext ssl) {
    this.base = base;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  /**
   * Everything the simulator answered since the last reset.
   *
   * @return the requests, oldest first
   */
  public List<RecordedRequest> requests() {
    String body = send(HttpRequest.newBuilder(resolve(RequestRecorder.PATH)).GET().build());
    List<RecordedRequest> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(JSON.readValue(line, RecordedRequest.class));
        } catch (IOException e) {
          throw new UncheckedIOException("bad recorder line: " + line, e);
        }
      }
    }
    return out;
  }

  /**
   * The requests matching a filter.
   *
   * @param filter which
   * @return the matching requests, oldest first
   */
  public List<RecordedRequest> requests(Predicate<RecordedRequest> filter) {
    return requests().stream().filter(filter).toList();
  }

  /** Clears the recording. */
  public void reset() {
    send(HttpRequest.newBuilder(resolve(RequestRecorder.PATH + "/reset"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private URI resolve(String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  private String send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
