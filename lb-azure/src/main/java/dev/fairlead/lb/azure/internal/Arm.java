package dev.fairlead.lb.azure.internal;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.AddHeadersFromContextPolicy;
import com.azure.core.http.rest.Response;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.FluxUtil;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import com.azure.resourcemanager.network.fluent.NetworkManagementClient;
import dev.fairlead.lb.api.ProviderFailureException;
import dev.fairlead.lb.cloud.CallGate;
import dev.fairlead.lb.cloud.CallKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every ARM request of the provider: the SDK's inner clients send them through one pipeline
 * without retries, and each attempt passes the {@link CallGate} (rate limit, shared throttling
 * per lane, safe retries, one metrics record). Long-running operations are followed here rather
 * than by the SDK's poller, so every poll is a gated, counted call that honours {@code
 * Retry-After}, and no final GET is made when the answer to the write already holds what is
 * needed.
 */
final class Arm {
  private static final HttpHeaderName ASYNC_OPERATION = HttpHeaderName.fromString("Azure-AsyncOperation");
  private static final HttpHeaderName RETRY_AFTER = HttpHeaderName.fromString("Retry-After");

  /** A write's first answer. */
  record Written(int status, HttpHeaders headers, byte[] body) {}

  private final NetworkManagementClient client;
  private final HttpPipeline pipeline;
  private final CallGate gate;
  private final CallGate.Sleeper sleeper;
  private final CallGate.Ticker ticker;
  private final Duration pollInterval;
  private final Duration operationTimeout;

  Arm(NetworkManagementClient client, HttpPipeline pipeline, CallGate gate, CallGate.Sleeper sleeper,
      CallGate.Ticker ticker, Duration pollInterval, Duration operationTimeout) {
    this.client = client;
    this.pipeline = pipeline;
    this.gate = gate;
    this.sleeper = sleeper;
    this.ticker = ticker;
    this.pollInterval = pollInterval;
    this.operationTimeout = operationTimeout;
  }

  NetworkManagementClient client() {
    return client;
  }

  CallGate gate() {
    return gate;
  }

  /**
   * A read; a 404 is empty.
   *
   * @param operation the operation's name, for metrics
   * @param call the SDK call
   * @param <T> the resource type
   * @return the resource, if it exists
   */
  <T> Optional<T> read(String operation, Supplier<Response<T>> call) {
    try {
      return Optional.ofNullable(gate.call(operation, CallKind.READ, call).getValue());
    } catch (HttpResponseException e) {
      if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
        return Optional.empty();
      }
      throw failure(operation, e);
    }
  }

  /**
   * Sends a PUT or DELETE and waits for its operation.
   *
   * @param operation the operation's name, for metrics
   * @param call the SDK's first request
   * @param ifMatch the ETag to require, or null
   * @param ifNoneMatch {@code *} to require that the resource does not exist yet, or null
   * @return the first answer (its body is the resource as written, for PUTs)
   * @throws HttpResponseException for errors the caller inspects (412, 400, 404)
   * @throws OperationFailedException if the operation ended Failed or Canceled
   */
  Written write(String operation, Supplier<Mono<Response<Flux<ByteBuffer>>>> call, String ifMatch,
      String ifNoneMatch) {
    HttpHeaders extra = new HttpHeaders();
    if (ifMatch != null) {
      extra.set(HttpHeaderName.IF_MATCH, ifMatch);
    }
    if (ifNoneMatch != null) {
      extra.set(HttpHeaderName.IF_NONE_MATCH, ifNoneMatch);
    }
    Written first = gate.call(operation, CallKind.WRITE, () -> {
      Response<Flux<ByteBuffer>> response = call.get()
          .contextWrite(c -> c.put(AddHeadersFromContextPolicy.AZURE_REQUEST_HTTP_HEADERS_KEY, extra))
          .block();
      byte[] body = response.getValue() == null ? new byte[0]
          : FluxUtil.collectBytesInByteBufferStream(response.getValue()).block();
      return new Written(response.getStatusCode(), response.getHeaders(), body == null ? new byte[0] : body);
    });
    awaitOperation(operation, first);
    return first;
  }

  /**
   * Waits for the operation a write started: nothing to do if the answer already says {@code
   * Succeeded} (or the delete is done), else polls {@code Azure-AsyncOperation} (or {@code
   * Location}) after each {@code Retry-After}.
   */
  private void awaitOperation(String operation, Written first) {
    String state = provisioningState(first.body()).orElse("");
    String async = first.headers().getValue(ASYNC_OPERATION);
    String location = first.headers().getValue(HttpHeaderName.LOCATION);
    if (state.equalsIgnoreCase("Succeeded") || (async == null && location == null)
        || (first.status() == 200 && first.body().length == 0) || first.status() == 204) {
      return;
    }
    if (state.equalsIgnoreCase("Failed") || state.equalsIgnoreCase("Canceled")) {
      throw new OperationFailedException(operation, state, "", "the resource is in state " + state);
    }
    long deadline = ticker.nanoTime() + operationTimeout.toNanos();
    Duration wait = retryAfter(first.headers()).orElse(pollInterval);
    while (true) {
      if (ticker.nanoTime() - deadline > 0) {
        throw new ProviderFailureException(operation + " did not finish within " + operationTimeout);
      }
      pause(wait);
      String url = async != null ? async : location;
      HttpResponse poll = gate.call(operation + ".poll", CallKind.READ, () -> send(url));
      byte[] body = poll.getBodyAsByteArray().block();
      wait = retryAfter(poll.getHeaders()).orElse(pollInterval);
      if (async != null) {
        String[] status = operationStatus(body);
        switch (status[0].toLowerCase(java.util.Locale.ROOT)) {
          case "succeeded" -> {
            return;
          }
          case "failed", "canceled", "cancelled" -> throw new OperationFailedException(operation, status[0],
              status[1], status[2]);
          default -> {
            // InProgress (or a provider-specific running state): keep polling
          }
        }
      } else if (poll.getStatusCode() != 202) {
        return;
      }
    }
  }

  private HttpResponse send(String url) {
    HttpResponse response = pipeline.send(new HttpRequest(HttpMethod.GET, url)).block();
    if (response == null) {
      throw new UncheckedIOException(new IOException("no answer to " + url));
    }
    if (response.getStatusCode() >= 400) {
      byte[] body = response.getBodyAsByteArray().block();
      String text = body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
      throw new HttpResponseException("GET " + url + " answered " + response.getStatusCode() + ": " + text,
          response, null);
    }
    return response;
  }

  private void pause(Duration wait) {
    try {
      sleeper.sleep(wait.compareTo(Duration.ofSeconds(60)) > 0 ? Duration.ofSeconds(60) : wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderFailureException("interrupted while waiting for an Azure operation", e);
    }
  }

  private static Optional<Duration> retryAfter(HttpHeaders headers) {
    String value = headers.getValue(RETRY_AFTER);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code properties.provisioningState} of a resource body. */
  static Optional<String> provisioningState(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try (JsonReader reader = JsonProviders.createReader(body)) {
      if (reader.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (reader.nextToken() != JsonToken.END_OBJECT) {
        String field = reader.getFieldName();
        reader.nextToken();
        if (field.equals("properties") && reader.currentToken() == JsonToken.START_OBJECT) {
          while (reader.nextToken() != JsonToken.END_OBJECT) {
            String inner = reader.getFieldName();
            reader.nextToken();
            if (inner.equals("provisioningState")) {
              return Optional.ofNullable(reader.getString());
            }
            reader.skipChildren();
          }
          return Optional.empty();
        }
        reader.skipChildren();
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {status, error code, error message} of an Azure-AsyncOperation body. */
  private static String[] operationStatus(byte[] body) {
    String[] out = {"InProgress", "", ""};
    if (body == null || body.length == 0) {
      return out;
    }
    try (JsonReader reader = JsonProviders.createReader(body)) {
      reader.nextToken();
      while (reader.nextToken() != JsonToken.END_OBJECT) {
        String field = reader.getFieldName();
        reader.nextToken();
        if (field.equals("status")) {
          out[0] = reader.getString();
        } else if (field.equals("error") && reader.currentToken() == JsonToken.START_OBJECT) {
          while (reader.nextToken() != JsonToken.END_OBJECT) {
            String inner = reader.getFieldName();
            reader.nextToken();
            if (inner.equals("code")) {
              out[1] = reader.getString();
            } else if (inner.equals("message")) {
              out[2] = reader.getString();
            } else {
              reader.skipChildren();
            }
          }
        } else {
          reader.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * A provider failure for an answer the caller does not handle itself.
   *
   * @param operation the operation
   * @param e what the SDK threw
   * @return the failure, with the ARM code and message
   */
  static ProviderFailureException failure(String operation, RuntimeException e) {
    int status = ArmErrors.status(e);
    String text = operation + " failed: " + ArmErrors.message(e);
    boolean user = status == 400 || status == 403 || (status == 404 && e instanceof ManagementException);
    return user ? ProviderFailureException.userError(text) : new ProviderFailureException(text, e);
  }
}
