package dev.fairlead.controller.cli;

import dev.fairlead.lb.api.ProviderSettings;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Duration flags of every subcommand, with the same syntax as provider settings ({@code 500ms},
 * {@code 5s}, {@code 2m}, ISO-8601).
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  /** Used by picocli. */
  public DurationConverter() {}

  @Override
  public Duration convert(String value) {
    try {
      return ProviderSettings.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 5s or 2m");
    }
  }
}
