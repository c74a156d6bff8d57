package dev.fairlead.sim.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers every request a simulator answered, so tests and benchmarks count cloud API calls
 * instead of guessing them. Served by every simulator at {@code GET /sim/recorder} (one JSON object
 * a line: {@code method}, {@code path}, {@code status}, {@code userAgent}) and cleared with {@code
 * POST /sim/recorder/reset}; requests to {@code /sim/...} themselves are not recorded.
 *
 * <p>Thread-safe.
 */
public final class RequestRecorder {
  /** The path prefix of the recorder's own endpoints. */
  public static final String PATH = "/sim/recorder";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<RecordedRequest> requests = new ArrayList<>();

  /**
   * Records one answered request.
   *
   * @param request the request
   */
  public synchronized void record(RecordedRequest request) {
    requests.add(request);
  }

  /**
   * Everything recorded since the last reset, oldest first.
   *
   * @return a copy
   */
  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** Forgets everything. */
  public synchronized void reset() {
    requests.clear();
  }

  /**
   * The recording as JSON lines.
   *
   * @return one object a line, each line ending in a newline
   */
  public String jsonLines() {
    StringBuilder b = new StringBuilder();
    for (RecordedRequest r : all()) {
      try {
        b.append(JSON.writeValueAsString(r)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.toString();
  }

  /**
   * Answers the recorder's own endpoints if {@code exchange} is for one of them.
   *
   * @param exchange the request
   * @return true if it was a recorder request and has been answered
   * @throws IOException if the answer cannot be written
   */
  public boolean serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals(PATH) && method.equals("GET")) {
      byte[] body = jsonLines().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return true;
    }
    if (path.equals(PATH + "/reset") && method.equals("POST")) {
      reset();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
      return true;
    }
    return false;
  }
}
