package dev.fairlead.sim.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
  HttpServer backend;
  List<String> applied = new CopyOnWriteArrayList<>();
  FaultProxy proxy;
  HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() throws IOException {
    backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    backend.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          applied.add(body);
          byte[] answer = ("applied " + body).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("X-Backend", "yes");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    backend.start();
    proxy = FaultProxy.start(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), 7);
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    backend.stop(0);
    client.close();
  }

  HttpResponse<String> send(String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(proxy.uri().resolve("/"))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void passesRequestsThroughUntouchedWithoutRules() throws Exception {
    HttpResponse<String> response = send("Action=DescribeThings");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("applied Action=DescribeThings");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("yes");
    assertThat(proxy.forwarded()).isEqualTo(1);
  }

  @Test
  void rejectedRequestsNeverReachTheBackend() throws Exception {
    FaultRule rule =
        proxy.add(
            FaultRule.times(
                "throttle", FaultRule.containing("Action=Create"), AwsErrors.throttling(), 1));

    HttpResponse<String> first = send("Action=CreateThing");
    HttpResponse<String> second = send("Action=CreateThing");

    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(first.body()).contains("<Code>Throttling</Code>");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(applied).containsExactly("Action=CreateThing");
    assertThat(rule.fired()).isEqualTo(1);
  }

  @Test
  void errorsUseTheFormatOfTheSignedService() throws Exception {
    proxy.add(FaultRule.times("ec2", FaultRule.any(), AwsErrors.throttling(), 1));
    proxy.add(FaultRule.times("json", FaultRule.any(), AwsErrors.internalError(), 1));

    HttpResponse<String> ec2 =
        send(
            "Action=RunInstances",
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-1/ec2/aws4_request");
    HttpResponse<String> json =
        send("{}", "X-Amz-Target", "ResourceGroupsTaggingAPI_20170126.GetResources");

    assertThat(ec2.statusCode()).isEqualTo(503);
    assertThat(ec2.body()).contains("<Code>RequestLimitExceeded</Code>");
    assertThat(json.statusCode()).isEqualTo(500);
    assertThat(json.body()).contains("\"__type\":\"InternalServiceException\"");
  }

  @Test
  void aLostResponseIsAppliedButNeverAnswered() {
    proxy.add(FaultRule.times("lost", FaultRule.any(), new Fault.LoseResponse(), 1));

    assertThatThrownBy(() -> send("Action=CreateThing")).isInstanceOf(IOException.class);
    assertThat(applied).containsExactly("Action=CreateThing");
  }

  @Test
  void aCrashAppliesTheNextCountedRequestLosesItsAnswerAndRefusesEverythingAfter() throws Exception {
    proxy.crashAfter(1, r -> r.bodyText().startsWith("Action=Create"), Fault.serviceUnavailable());

    assertThat(send("Action=Describe").statusCode()).as("not counted").isEqualTo(200);
    assertThat(send("Action=CreateOne").statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> send("Action=CreateTwo")).isInstanceOf(IOException.class);
    assertThat(send("Action=Describe").statusCode()).as("the process is gone").isEqualTo(503);
    assertThat(applied).containsExactly("Action=Describe", "Action=CreateOne", "Action=CreateTwo");
  }

  @Test
  void latencyDelaysButForwards() throws Exception {
    proxy.add(FaultRule.times("slow", FaultRule.any(), new Fault.Delay(Duration.ofMillis(300)), 1));

    long start = System.nanoTime();
    HttpResponse<String> response = send("Action=Describe");

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void probabilisticRulesAreRepeatableWithTheSameSeed() throws Exception {
    proxy.add(FaultRule.randomly("half", FaultRule.any(), Fault.serviceUnavailable(), 0.5));
    StringBuilder pattern = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      pattern.append(send("x").statusCode() == 503 ? 'F' : '.');
    }
    proxy.close();
    proxy = FaultProxy.start(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()), 7);
    proxy.add(FaultRule.randomly("half", FaultRule.any(), Fault.serviceUnavailable(), 0.5));
    StringBuilder again = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      again.append(send("x").statusCode() == 503 ? 'F' : '.');
    }

    assertThat(again.toString()).isEqualTo(pattern.toString()).contains("F").contains(".");
  }
}
