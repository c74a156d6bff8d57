package dev.fairlead.sim;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The shared part of {@code fairlead cloud-sim <cloud>}: {@code --listen HOST:PORT}, start, print
 * the usage, run until Ctrl-C.
 */
public abstract class SimulatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Where to listen (default: ${DEFAULT-VALUE}); port 0 picks a free one.")
  String listen = defaultListen();

  /**
   * The default {@code --listen} value.
   *
   * @return such as {@code 127.0.0.1:8085}
   */
  protected abstract String defaultListen();

  /**
   * Starts the simulator.
   *
   * @param host the address to bind
   * @param port the port, 0 for any
   * @return the running simulator
   * @throws Exception if it cannot start (the message is shown as one line, exit code 2)
   */
  protected abstract Simulator start(String host, int port) throws Exception;

  @Override
  public Integer call() throws Exception {
    int colon = listen.lastIndexOf(':');
    String host = colon <= 0 ? "127.0.0.1" : listen.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--listen '" + listen + "' must look like HOST:PORT");
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--listen '" + listen + "': port must be 0..65535");
    }
    Simulator simulator;
    try {
      simulator = start(host, port);
    } catch (Exception e) {
      // One line and exit code 2, as every fairlead command reports configuration problems.
      spec.commandLine().getErr().println(spec.qualifiedName() + ": cannot start: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "cloud-sim-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(spec.name() + " simulator listening on " + simulator.endpoint());
    simulator.usage().forEach(out::println);
    out.println("Requests so far: GET " + simulator.endpoint() + "/sim/recorder; Ctrl-C stops.");
    out.flush();
    stopped.await();
    return 0;
  }
}
