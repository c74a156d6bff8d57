package dev.fairlead.controller.cli;

import java.io.Serial;

/** A configuration error reported as one line and a non-zero exit, before touching the cluster. */
public final class CliException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the line to print
   */
  public CliException(String message) {
    super(message);
  }

  /**
   * A multi-line library message (a YAML parser's, with the offending line and a caret under it)
   * as one line: the indented lines, which only point into the input, are dropped and the rest is
   * joined with "; ".
   *
   * @param message the message, may be null
   * @return one line
   */
  public static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    return String.join("; ", message.lines()
        .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
        .map(String::strip)
        .toList());
  }
}
