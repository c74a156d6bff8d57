package dev.fairlead.sim.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request as the proxy received it, for fault rules to match on.
 *
 * @param method the HTTP method
 * @param path the path with the query string
 * @param headers the headers, keys in lower case
 * @param body the body bytes
 */
public record ProxiedRequest(
    String method, String path, Map<String, List<String>> headers, byte[] body) {

  /** Copies the headers. */
  public ProxiedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  /**
   * The body as UTF-8 text.
   *
   * @return the text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The first value of a header.
   *
   * @param name the header name, any case
   * @return the value, if present
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}
