package dev.fairlead.systemtests.rules;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules of the code base, as ArchUnit rules over the compiled classes of every module.
 * They are written by package naming convention, so modules and packages added later (another
 * cloud's {@code model}, a speaker's {@code bgp}) are covered without editing this class. Each rule's
 * reason says what it protects; the README's design section lists them too.
 */
final class HouseRules {
  private HouseRules() {}

  /** Pure cores: decisions, plans, IPAM, election, packet codecs, every {@code model} package. */
  static final String[] PURE = {"..model..", "..plan..", "..ipam..", "..election..", "..packet.."};

  /** Libraries that talk to the outside world: clients, SDKs, servers, files, logging. */
  static final String[] IO = {
    "io.fabric8..", "software.amazon..", "com.google.cloud..", "com.google.api..", "com.azure..",
    "io.netty..", "io.vertx..", "okhttp3..", "org.jgroups..", "java.net.http..", "java.nio.file..",
    "java.nio.channels..", "com.sun.net.httpserver..", "java.lang.foreign..", "org.slf4j..",
    "ch.qos.logback..", "io.prometheus.."
  };

  /** Provider code: every {@code dev.fairlead.lb} module but the SPI and the kit, without the speaker. */
  static final DescribedPredicate<JavaClass> PROVIDER_CODE = new DescribedPredicate<>(
      "provider code (dev.fairlead.lb.. except lb.api, lb.tck and the bare-metal speaker)") {
    @Override
    public boolean test(JavaClass c) {
      String p = c.getPackageName();
      return p.startsWith("dev.fairlead.lb.") && !p.startsWith("dev.fairlead.lb.api")
          && !p.startsWith("dev.fairlead.lb.tck") && !p.startsWith("dev.fairlead.lb.baremetal.speaker");
    }
  };

  /** What code outside the controller may use of it: CLI helpers, the host API, process endpoints. */
  static final DescribedPredicate<JavaClass> CONTROLLER_INTERNALS = new DescribedPredicate<>(
      "controller internals (dev.fairlead.controller.. except ..cli, ..host and runtime.HttpEndpoints)") {
    @Override
    public boolean test(JavaClass c) {
      String p = c.getPackageName();
      return p.startsWith("dev.fairlead.controller") && !p.startsWith("dev.fairlead.controller.cli")
          && !p.startsWith("dev.fairlead.controller.host")
          && !c.getName().startsWith("dev.fairlead.controller.runtime.HttpEndpoints");
    }
  };

  /** lb-api depends on the JDK alone, so a vendor compiles against that one jar. */
  static final ArchRule SPI_IS_JDK_ONLY = classes().that().resideInAPackage("dev.fairlead.lb.api..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.fairlead.lb.api..")
      .because("vendors compile their providers against lb-api alone; any other dependency would"
          + " leak into every provider");

  /** Pure packages use no I/O library, so they are tested with plain values and tables. */
  static final ArchRule PURE_CORES_DO_NO_IO = noClasses().that().resideInAnyPackage(PURE)
      .should().dependOnClassesThat().resideInAnyPackage(IO)
      .because("decisions and codecs are table-tested without a cluster, a cloud or a network; the"
          + " adapters around them do the I/O");

  /** The controller drives any provider through the SPI and never knows one. */
  static final ArchRule CONTROLLER_KNOWS_NO_PROVIDER = noClasses()
      .that().resideInAPackage("dev.fairlead.controller..")
      .should().dependOnClassesThat(new DescribedPredicate<>("a provider, the kit, the simulators or"
          + " the sandbox") {
        @Override
        public boolean test(JavaClass c) {
          String p = c.getPackageName();
          return (p.startsWith("dev.fairlead.lb.") && !p.startsWith("dev.fairlead.lb.api"))
              || p.startsWith("dev.fairlead.sim") || p.startsWith("dev.fairlead.sandbox");
        }
      })
      .because("providers are found with ServiceLoader at run time; a compile-time dependency would"
          + " let controller code bypass the SPI");

  /** Providers use the controller only through its published packages. */
  static final ArchRule PROVIDERS_USE_NO_CONTROLLER_INTERNALS = noClasses().that(PROVIDER_CODE)
      .should().dependOnClassesThat(CONTROLLER_INTERNALS)
      .because("the controller's internals change freely; providers see the SPI, the ClusterHost and"
          + " the CLI helpers");

  /** In provider code only the adapter packages touch Kubernetes. */
  static final ArchRule PROVIDERS_TOUCH_KUBERNETES_ONLY_IN_ADAPTERS = classes().that(PROVIDER_CODE)
      .and().resideOutsideOfPackages("..kube..", "..crd..")
      .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.fabric8..")
      .because("providers receive Service data in the spec; reading or writing cluster objects is the"
          + " job of their ..kube adapter (and ..crd types), whose writes pass the leadership gate");
}
