/**
 * The AWS provider ({@code --provider aws}): {@link dev.fairlead.lb.aws.AwsProviderFactory} is the
 * only public entry point; the SDK code lives in {@code dev.fairlead.lb.aws.internal} and the pure
 * Service-to-NLB model in {@code dev.fairlead.lb.aws.internal.model}.
 */
package dev.fairlead.lb.aws;
