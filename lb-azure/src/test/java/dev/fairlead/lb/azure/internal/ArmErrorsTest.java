package dev.fairlead.lb.azure.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import dev.fairlead.lb.cloud.CallError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ArmErrorsTest {
  final ArmErrors classifier = new ArmErrors();

  static HttpResponse response(int status, String retryAfter) {
    HttpHeaders headers = new HttpHeaders();
    if (retryAfter != null) {
      headers.set(HttpHeaderName.fromString("Retry-After"), retryAfter);
    }
    return new HttpResponse(new HttpRequest(HttpMethod.PUT, "https://127.0.0.1/x")) {
      @Override
      public int getStatusCode() {
        return status;
      }

      @Override
      @Deprecated
      public String getHeaderValue(String name) {
        return headers.getValue(HttpHeaderName.fromString(name));
      }

      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }

      @Override
      public Flux<ByteBuffer> getBody() {
        return Flux.empty();
      }

      @Override
      public Mono<byte[]> getBodyAsByteArray() {
        return Mono.just(new byte[0]);
      }

      @Override
      public Mono<String> getBodyAsString() {
        return Mono.just("");
      }

      @Override
      public Mono<String> getBodyAsString(Charset charset) {
        return Mono.just("");
      }
    };
  }

  static ManagementException arm(int status, String code, String retryAfter) {
    return new ManagementException(code, response(status, retryAfter), new ManagementError(code, "message"));
  }

  @Test
  void throttlingCarriesItsRetryAfter() {
    assertThat(classifier.classify(arm(429, "SubscriptionRequestsThrottled", "7")))
        .isEqualTo(new CallError.Throttled("SubscriptionRequestsThrottled", Optional.of(Duration.ofSeconds(7))));
    assertThat(classifier.classify(arm(429, "TooManyRequests", null)))
        .isEqualTo(new CallError.Throttled("TooManyRequests", Optional.empty()));
  }

  @Test
  void serverErrorsIoAndArmsTryAgainCodesAreTransient() {
    assertThat(classifier.classify(arm(500, "InternalServerError", null))).isInstanceOf(CallError.Transient.class);
    assertThat(classifier.classify(arm(409, "AnotherOperationInProgress", "1"))).isInstanceOf(CallError.Transient.class);
    assertThat(classifier.classify(arm(400, "ReferencedResourceNotProvisioned", null)))
        .isInstanceOf(CallError.Transient.class);
    assertThat(classifier.classify(new UncheckedIOException(new IOException("connection reset"))))
        .isEqualTo(new CallError.Transient("io"));
  }

  @Test
  void theRestGoesBackToTheCallerWithArmsCode() {
    assertThat(classifier.classify(arm(412, "PreconditionFailed", null)))
        .isEqualTo(new CallError.Permanent("PreconditionFailed"));
    assertThat(classifier.classify(arm(404, "ResourceNotFound", null))).isEqualTo(new CallError.Permanent(
        "ResourceNotFound"));
    assertThat(classifier.classify(arm(400, "InvalidResourceReference", null))).isInstanceOf(CallError.Permanent.class);
    assertThat(Arm.failure("load balancer x", arm(400, "InvalidResourceReference", null)).isUserError()).isTrue();
    assertThat(Arm.failure("load balancer x", arm(500, "InternalServerError", null)).isUserError()).isFalse();
  }
}
