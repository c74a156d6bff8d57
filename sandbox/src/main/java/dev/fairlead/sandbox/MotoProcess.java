package dev.fairlead.sandbox;

import dev.fairlead.controller.cli.CliException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A moto server ({@code python3 -m moto.server}) the aws sandbox starts when no emulator endpoint
 * is configured: on 127.0.0.1 and a free port, stopped by its PID on close. It also exits by itself
 * when the sandbox process dies in any way (even SIGKILL), because it ends when its standard input
 * closes, so a crashed sandbox never leaves an emulator running.
 */
final class MotoProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MotoProcess.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** moto's server, ended by EOF on standard input (the parent went away). */
  private static final String LAUNCHER =
      "import os, sys, threading\n"
          + "def watch():\n"
          + "    sys.stdin.buffer.read()\n"
          + "    os._exit(0)\n"
          + "threading.Thread(target=watch, daemon=True).start()\n"
          + "from moto.server import main\n"
          + "main(['-H', '127.0.0.1', '-p', sys.argv[1]])\n";

  private final Process process;
  private final OutputStream lifeline;
  private final URI endpoint;

  private MotoProcess(Process process, URI endpoint) {
    this.process = process;
    this.lifeline = process.getOutputStream();
    this.endpoint = endpoint;
  }

  /**
   * Starts moto and waits until it answers.
   *
   * @param log where moto's output goes
   * @return the running server
   * @throws CliException if python3 or moto is missing, or moto does not come up
   */
  static MotoProcess start(Path log) {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new CliException("cannot find a free port for moto: " + e.getMessage());
    }
    Process process;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      process =
          new ProcessBuilder("python3", "-c", LAUNCHER, Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new CliException(hint("cannot run python3 (" + e.getMessage() + ")"));
    }
    MotoProcess moto = new MotoProcess(process, URI.create("http://127.0.0.1:" + port));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new CliException(hint("moto did not start (see " + log + ")"));
      }
      try {
        http.send(
            HttpRequest.newBuilder(moto.endpoint.resolve("/moto-api/"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        LOG.info("Started moto at {} (PID {}), log in {}", moto.endpoint, process.pid(), log);
        return moto;
      } catch (IOException e) {
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        moto.close();
        throw new CliException("interrupted while starting moto");
      }
    }
    moto.close();
    throw new CliException("moto did not answer within " + STARTUP.toSeconds() + " s (see " + log + ")");
  }

  private static String hint(String problem) {
    return "the aws sandbox needs an EC2/ELBv2 emulator: "
        + problem
        + "; install moto (pip install 'moto[server]') or pass --provider-config with the 'endpoint'"
        + " of a running moto or LocalStack";
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The server's URL.
   *
   * @return {@code http://127.0.0.1:<port>}
   */
  URI endpoint() {
    return endpoint;
  }

  /**
   * The server's process ID.
   *
   * @return the PID
   */
  long pid() {
    return process.pid();
  }

  /** Stops moto: closes its standard input, then ends it by its PID if it is still there. */
  @Override
  public void close() {
    try {
      lifeline.close();
    } catch (IOException e) {
      LOG.debug("Closing moto's input: {}", e.toString());
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
