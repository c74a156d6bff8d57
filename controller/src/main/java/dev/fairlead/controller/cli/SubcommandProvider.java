package dev.fairlead.controller.cli;

/**
 * Adds a subcommand to {@code fairlead} from another module, found with {@link
 * java.util.ServiceLoader} (for example the bare-metal {@code speaker}). This keeps the controller
 * free of provider imports while one launcher runs everything in the distribution.
 */
public interface SubcommandProvider {

  /**
   * A new picocli command object (a class annotated with {@code @picocli.CommandLine.Command});
   * its annotated name is the subcommand's name.
   *
   * @return the command
   */
  Object command();
}
