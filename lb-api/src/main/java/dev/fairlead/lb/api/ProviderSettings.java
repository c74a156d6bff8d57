package dev.fairlead.lb.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's configuration as flat key/value strings (nested YAML keys are joined with dots, list
 * items get {@code [i]}). The typed accessors fail with a {@link ProviderConfigurationException}
 * that names the key, so every provider reports bad configuration the same way.
 *
 * @param values the settings; copied
 */
public record ProviderSettings(Map<String, String> values) {

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** Copies the map. */
  public ProviderSettings {
    values = Map.copyOf(values);
  }

  /**
   * Settings from a map.
   *
   * @param values the settings
   * @return the settings
   */
  public static ProviderSettings of(Map<String, String> values) {
    return new ProviderSettings(values);
  }

  /**
   * No settings at all.
   *
   * @return empty settings
   */
  public static ProviderSettings empty() {
    return new ProviderSettings(Map.of());
  }

  /**
   * An optional string value.
   *
   * @param key the key
   * @return the value, if set and not blank
   */
  public Optional<String> optional(String key) {
    return Optional.ofNullable(values.get(key)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * A required string value.
   *
   * @param key the key
   * @return the value
   * @throws ProviderConfigurationException if it is missing or blank
   */
  public String required(String key) {
    return optional(key)
        .orElseThrow(() -> new ProviderConfigurationException("setting '" + key + "' is required"));
  }

  /**
   * An integer within bounds.
   *
   * @param key the key
   * @param defaultValue used when the key is absent
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @return the value
   * @throws ProviderConfigurationException if it is not an integer or out of bounds
   */
  public int integer(String key, int defaultValue, int min, int max) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      throw new ProviderConfigurationException(
          "setting '" + key + "' must be an integer, got '" + raw.get() + "'");
    }
    if (value < min || value > max) {
      throw new ProviderConfigurationException(
          "setting '" + key + "' must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /**
   * A boolean, {@code true} or {@code false}.
   *
   * @param key the key
   * @param defaultValue used when the key is absent
   * @return the value
   * @throws ProviderConfigurationException if it is neither
   */
  public boolean bool(String key, boolean defaultValue) {
    return optional(key)
        .map(
            raw ->
                switch (raw.toLowerCase(java.util.Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new ProviderConfigurationException(
                          "setting '" + key + "' must be true or false, got '" + raw + "'");
                })
        .orElse(defaultValue);
  }

  /**
   * A positive duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601
   * ({@code PT5S}).
   *
   * @param key the key
   * @param defaultValue used when the key is absent
   * @return the value
   * @throws ProviderConfigurationException if it cannot be parsed or is not positive
   */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Duration value = parseDuration(key, raw.get());
    if (value.isNegative() || value.isZero()) {
      throw new ProviderConfigurationException(
          "setting '" + key + "' must be positive, got '" + raw.get() + "'");
    }
    return value;
  }

  /**
   * Fails if any key is not one the provider knows, which catches typos such as {@code regoin}.
   *
   * @param known every key the provider reads; a key ending in {@code .*} allows any suffix
   * @throws ProviderConfigurationException naming the unknown keys
   */
  public void rejectUnknownKeys(Set<String> known) {
    Set<String> unknown = new TreeSet<>();
    for (String key : values.keySet()) {
      boolean matches =
          known.stream()
              .anyMatch(
                  k ->
                      k.equals(key)
                          || (k.endsWith(".*") && key.startsWith(k.substring(0, k.length() - 1))));
      if (!matches) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ProviderConfigurationException(
          "unknown setting(s) " + unknown + "; known settings: " + new TreeSet<>(known));
    }
  }

  private static Duration parseDuration(String key, String raw) {
    try {
      return parseDuration(raw);
    } catch (IllegalArgumentException e) {
      throw new ProviderConfigurationException("setting '" + key + "' " + e.getMessage());
    }
  }

  /**
   * Parses a duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601.
   * The controller's command line uses the same syntax.
   *
   * @param raw the text
   * @return the duration
   * @throws IllegalArgumentException if the text is neither form
   */
  public static Duration parseDuration(String raw) {
    String text = raw.strip();
    Matcher m = SIMPLE_DURATION.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "must be a duration such as 500ms, 5s or 2m, got '" + raw + "'", e);
    }
  }

}
