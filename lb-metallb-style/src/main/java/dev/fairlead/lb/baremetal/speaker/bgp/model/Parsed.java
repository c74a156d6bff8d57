package dev.fairlead.lb.baremetal.speaker.bgp.model;

import java.util.Optional;

/**
 * A validated configuration object, or why it is invalid.
 *
 * @param value the configuration
 * @param error the reason it was rejected, naming the field
 * @param <T> the configuration type
 */
public record Parsed<T>(Optional<T> value, Optional<String> error) {

  static <T> Parsed<T> ok(T value) {
    return new Parsed<>(Optional.of(value), Optional.empty());
  }

  static <T> Parsed<T> error(String error) {
    return new Parsed<>(Optional.empty(), Optional.of(error));
  }
}
