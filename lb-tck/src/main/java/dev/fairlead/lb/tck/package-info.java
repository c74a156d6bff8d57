/**
 * The provider conformance kit: abstract JUnit 5 test classes a provider's own tests extend.
 *
 * <p>{@link dev.fairlead.lb.tck.LoadBalancerProviderContract} checks the behaviour rules {@code
 * lb101} to {@code lb111} (and the optional {@code lb2xx} features a provider advertises), {@link
 * dev.fairlead.lb.tck.ProviderRegistrationContract} checks discovery rules {@code lb001} to {@code
 * lb003}. Rule numbers are defined in the package documentation of {@code dev.fairlead.lb.api};
 * test names cite them as {@code required_lbNNN_…} (must pass) or {@code optional_lbNNN_…} (skipped
 * when the provider does not advertise the capability).
 *
 * <p>A provider is conformant when both contracts pass for it with the kit of the same version as
 * the {@code lb-api} it implements.
 */
package dev.fairlead.lb.tck;
