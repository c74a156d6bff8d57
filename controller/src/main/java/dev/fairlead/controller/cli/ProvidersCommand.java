package dev.fairlead.controller.cli;

import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import dev.fairlead.lb.api.ProviderCapabilities;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fairlead providers}: lists the providers on the class path and what they can do. */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    description = "List the load-balancer providers found on the class path, with their capabilities.")
final class ProvidersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<LoadBalancerProviderFactory> factories = ProviderRegistry.load().all();
    if (factories.isEmpty()) {
      out.println("No providers found on the class path.");
      return 0;
    }
    for (LoadBalancerProviderFactory factory : factories) {
      out.printf("%-12s %s%n", factory.name(), factory.description());
      out.printf("%-12s %s%n", "", describe(factory.capabilities()));
    }
    return 0;
  }

  static String describe(ProviderCapabilities capabilities) {
    List<String> parts = new ArrayList<>();
    parts.add("protocols=" + capabilities.protocols().stream().map(Enum::name).sorted()
        .collect(Collectors.joining(",")));
    parts.add("families=" + capabilities.ipFamilies().stream().map(Enum::name).sorted()
        .collect(Collectors.joining(",")));
    parts.add("mixed-protocols=" + yesNo(capabilities.mixedProtocols()));
    parts.add("source-ranges=" + yesNo(capabilities.sourceRanges()));
    parts.add("requested-addresses=" + yesNo(capabilities.requestedAddresses()));
    parts.add("local-traffic-policy=" + yesNo(capabilities.localTrafficPolicy()));
    return String.join(" ", parts);
  }

  private static String yesNo(boolean value) {
    return value ? "yes" : "no";
  }
}
