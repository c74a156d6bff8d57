package dev.fairlead.systemtests;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The CRUD mock API server's dispatcher, noting every (group, resource, verb) it serves. */
public final class RecordingDispatcher extends KubernetesCrudDispatcher {
  public final Set<ApiUse> uses = ConcurrentHashMap.newKeySet();
  public final Set<String> requests = ConcurrentHashMap.newKeySet();
  final String userAgent;
  public volatile boolean recording;

  /**
   * Records only requests whose User-Agent starts with the given text, i.e. those of the client
   * under test, not the test's own setup calls.
   */
  public RecordingDispatcher(String userAgent) {
    this.userAgent = userAgent;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String agent = request.getHeader("User-Agent");
    if (recording && agent != null && agent.startsWith(userAgent)) {
      requests.add(request.getMethod() + " " + request.getPath().replaceAll("\\?.*", ""));
      ApiUse.of(request.getMethod(), request.getPath()).ifPresent(uses::add);
    }
    return super.dispatch(request);
  }
}
