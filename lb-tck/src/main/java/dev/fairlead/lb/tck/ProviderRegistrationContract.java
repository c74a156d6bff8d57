package dev.fairlead.lb.tck;

import dev.fairlead.lb.api.LoadBalancerProviderFactory;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a provider's factory is discovered (rules lb001 to lb003), as JUnit 5 tests a provider's test
 * class inherits:
 *
 * <pre>{@code
 * class AcmeRegistrationTest extends ProviderRegistrationContract {
 *   @Override protected String expectedName() { return "acme"; }
 * }
 * }</pre>
 *
 * <p>Factories are looked up with {@link ServiceLoader} on the test's class path, as the controller
 * does; a factory must be registered in {@code
 * META-INF/services/dev.fairlead.lb.api.LoadBalancerProviderFactory}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class ProviderRegistrationContract {

  private static final String NAME_PATTERN = "[a-z][a-z0-9-]*";

  /** For subclasses. */
  protected ProviderRegistrationContract() {}

  /**
   * The name the provider's factory registers under, as an operator passes it to {@code
   * --provider}.
   *
   * @return the expected {@link LoadBalancerProviderFactory#name()}
   */
  protected abstract String expectedName();

  /** Operators select a provider by name, so the name must identify one factory. */
  @Test
  public void required_lb001_exactlyOneFactoryHasTheExpectedName() {
    List<LoadBalancerProviderFactory> factories = factories();

    assertThat(factories.stream().filter(f -> expectedName().equals(f.name())).toList())
        .as(
            "lb001: exactly one factory on the class path must be named '%s'; registered: %s",
            expectedName(), describe(factories))
        .hasSize(1);
  }

  /** Names are typed on command lines and in Helm values, so they are plain lower-case ids. */
  @Test
  public void required_lb002_factoryNamesAreLowercaseIds() {
    List<LoadBalancerProviderFactory> factories = factories();

    assertThat(factories).as("lb002: no factory is registered in META-INF/services").isNotEmpty();
    for (LoadBalancerProviderFactory factory : factories) {
      assertThat(factory.name())
          .as("lb002: the name of %s must match %s", factory.getClass().getName(), NAME_PATTERN)
          .isNotNull()
          .matches(NAME_PATTERN);
    }
  }

  /**
   * The controller instantiates every factory just to list them, so each must be a public class
   * with a public no-argument constructor; checked on the type, without instantiating it.
   */
  @Test
  public void required_lb003_factoryIsAPublicTopLevelClass() {
    List<ServiceLoader.Provider<LoadBalancerProviderFactory>> registered;
    try {
      registered = ServiceLoader.load(LoadBalancerProviderFactory.class).stream().toList();
    } catch (ServiceConfigurationError e) {
      throw new AssertionError(
          "lb003: ServiceLoader cannot load a registered factory: " + e.getMessage(), e);
    }
    for (ServiceLoader.Provider<LoadBalancerProviderFactory> provider : registered) {
      Class<? extends LoadBalancerProviderFactory> type = provider.type();
      assertThat(shapeProblems(type))
          .as("lb003: factory %s must be instantiable by ServiceLoader", type.getName())
          .isEmpty();
    }

    for (LoadBalancerProviderFactory factory : factories()) {
      if (expectedName().equals(factory.name())) {
        assertThat(factory.description())
            .as("lb003: the description of '%s' is listed by 'fairlead providers'", expectedName())
            .isNotBlank();
      }
    }
  }

  private static List<String> shapeProblems(Class<?> type) {
    List<String> problems = new ArrayList<>();
    int modifiers = type.getModifiers();
    if (!Modifier.isPublic(modifiers)) {
      problems.add("the class is not public");
    }
    if (type.isInterface() || Modifier.isAbstract(modifiers)) {
      problems.add("the class is abstract");
    }
    if (type.isLocalClass() || type.isAnonymousClass()) {
      problems.add("the class is local or anonymous");
    }
    if (type.isMemberClass() && !Modifier.isStatic(modifiers)) {
      problems.add("the class is an inner class; make it top-level or static");
    }
    for (Class<?> outer = type.getEnclosingClass();
        outer != null;
        outer = outer.getEnclosingClass()) {
      if (!Modifier.isPublic(outer.getModifiers())) {
        problems.add("the enclosing class " + outer.getName() + " is not public");
      }
    }
    try {
      if (!Modifier.isPublic(type.getDeclaredConstructor().getModifiers())) {
        problems.add("the no-argument constructor is not public");
      }
    } catch (NoSuchMethodException e) {
      problems.add("there is no no-argument constructor");
    }
    return problems;
  }

  private static List<LoadBalancerProviderFactory> factories() {
    try {
      List<LoadBalancerProviderFactory> found = new ArrayList<>();
      ServiceLoader.load(LoadBalancerProviderFactory.class).forEach(found::add);
      return found;
    } catch (ServiceConfigurationError e) {
      throw new AssertionError(
          "ServiceLoader cannot load a registered factory: " + e.getMessage(), e);
    }
  }

  private static String describe(List<LoadBalancerProviderFactory> factories) {
    return factories.stream()
        .map(f -> "'" + f.name() + "' (" + f.getClass().getName() + ")")
        .toList()
        .toString();
  }
}
