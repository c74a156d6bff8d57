package dev.fairlead.sim.http;

import java.util.Objects;

/**
 * One request a simulator answered, as {@code GET <sim>/sim/recorder} lists it: one JSON object a
 * line with these four fields.
 *
 * @param method the HTTP method
 * @param path the request path without the query, such as {@code
 *     /compute/v1/projects/p/regions/r/forwardingRules}
 * @param status the HTTP status the simulator answered with
 * @param userAgent the client's {@code User-Agent}, empty if none
 */
public record RecordedRequest(String method, String path, int status, String userAgent) {
  /** Checks the fields. */
  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    userAgent = userAgent == null ? "" : userAgent;
  }
}
