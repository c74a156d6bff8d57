package dev.fairlead.controller.cli;

import dev.fairlead.lb.api.ProviderConfigurationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fairlead}: the command-line entry point. */
@Command(
    name = "fairlead",
    mixinStandardHelpOptions = true,
    versionProvider = Fairlead.Version.class,
    description = "Real load balancers for Kubernetes Services of type LoadBalancer.",
    subcommands = {ControllerCommand.class, ProvidersCommand.class, CommandLine.HelpCommand.class})
public final class Fairlead implements Runnable {
  /** Exit code for configuration errors (bad flag, unknown provider, unreadable config). */
  public static final int CONFIG_ERROR = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Runs the CLI and exits with its code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    // Also after `controller` returns: that happens once shutdown hooks stopped it, and exit
    // during shutdown just waits for the hooks to finish.
    System.exit(code);
  }

  /**
   * Runs the CLI without exiting, for tests.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Fairlead());
    java.util.ServiceLoader.load(SubcommandProvider.class, Fairlead.class.getClassLoader())
        .forEach(extension -> cli.addSubcommand(extension.command()));
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, arguments) -> {
          String command = ex.getCommandLine().getCommandSpec().qualifiedName();
          ex.getCommandLine().getErr().println(
              command + ": " + ex.getMessage() + " (see '" + command + " --help')");
          return CONFIG_ERROR;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          String command = commandLine.getCommandSpec().qualifiedName();
          switch (ex) {
            case CliException cliError -> commandLine.getErr().println(command + ": " + cliError.getMessage());
            case ProviderConfigurationException config ->
                commandLine.getErr().println(command + ": invalid provider config: " + config.getMessage());
            default -> throw ex;
          }
          return CONFIG_ERROR;
        });
    return cli.execute(args);
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Fairlead.class.getPackage().getImplementationVersion();
      return new String[] {"fairlead " + (version == null ? "development build" : version)
          + " (Java " + Runtime.version() + ")"};
    }
  }
}
