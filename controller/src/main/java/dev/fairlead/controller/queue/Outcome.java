package dev.fairlead.controller.queue;

import java.time.Duration;

/** What a reconcile asks the queue to do with its key next. */
public sealed interface Outcome {

  /** Finished; forget the failure history. */
  record Done() implements Outcome {}

  /**
   * Try again after a fixed delay (the provider is still provisioning), without growing backoff.
   *
   * @param delay the delay
   */
  record RetryAfter(Duration delay) implements Outcome {}

  /**
   * Failed; try again after the key's next exponential backoff step.
   *
   * @param cause why, for logs
   */
  record Backoff(Throwable cause) implements Outcome {}

  /** The shared instance of {@link Done}. */
  Outcome DONE = new Done();
}
