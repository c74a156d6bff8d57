package dev.fairlead.sim.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RequestRecorderTest {

  @Test
  void aSimulatorServesItsRecordingAsJsonLinesAndResetsIt() throws Exception {
    RequestRecorder recorder = new RequestRecorder();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      if (!recorder.serve(exchange)) {
        recorder.record(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
            404, exchange.getRequestHeaders().getFirst("User-Agent")));
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
      }
    });
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      RecorderClient client = new RecorderClient(base);
      assertThat(client.requests()).isEmpty();
      java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(base.resolve("/compute/v1/x?y=1")).header("User-Agent", "t/1").GET().build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      assertThat(client.requests()).containsExactly(new RecordedRequest("GET", "/compute/v1/x", 404, "t/1"));
      assertThat(recorder.jsonLines())
          .isEqualTo("{\"method\":\"GET\",\"path\":\"/compute/v1/x\",\"status\":404,\"userAgent\":\"t/1\"}\n");
      client.reset();
      assertThat(client.requests()).isEmpty();
    } finally {
      server.stop(0);
    }
  }
}
