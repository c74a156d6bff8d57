package dev.fairlead.sim;

import java.net.URI;
import java.util.List;

/** A running cloud simulator. */
public interface Simulator extends AutoCloseable {

  /**
   * Where clients send requests, such as {@code http://127.0.0.1:8085}.
   *
   * @return the base URL
   */
  URI endpoint();

  /**
   * Lines that tell a user how to point the cloud's own tools at this simulator (printed by {@code
   * fairlead cloud-sim}).
   *
   * @return the lines
   */
  List<String> usage();

  /** Stops serving. Idempotent. */
  @Override
  void close();
}
