package dev.fairlead.controller.testing;

import dev.fairlead.lb.api.LoadBalancerProvider;
import dev.fairlead.lb.api.LoadBalancerSpec;
import dev.fairlead.lb.api.LoadBalancerStatus;
import dev.fairlead.lb.api.MetadataUse;
import dev.fairlead.lb.api.ProviderCapabilities;
import dev.fairlead.lb.api.ServiceKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes every call to a provider and counts the successful ones by operation. */
public final class CountingProvider implements LoadBalancerProvider {
  private final LoadBalancerProvider delegate;
  private final CountDownLatch recovered = new CountDownLatch(1);
  private final AtomicInteger ensures = new AtomicInteger();
  private final AtomicInteger updates = new AtomicInteger();
  private final AtomicInteger deletes = new AtomicInteger();

  /**
   * Wraps a provider.
   *
   * @param delegate the provider
   */
  public CountingProvider(LoadBalancerProvider delegate) {
    this.delegate = delegate;
  }

  /**
   * The wrapped provider.
   *
   * @return the provider
   */
  public LoadBalancerProvider delegate() {
    return delegate;
  }

  /**
   * Counted down once {@code recover} returned.
   *
   * @return the latch
   */
  public CountDownLatch recovered() {
    return recovered;
  }

  /**
   * Successful {@code ensure} calls.
   *
   * @return the count
   */
  public int ensures() {
    return ensures.get();
  }

  /**
   * Successful {@code updateBackends} calls.
   *
   * @return the count
   */
  public int updates() {
    return updates.get();
  }

  /**
   * Successful {@code ensureDeleted} calls.
   *
   * @return the count
   */
  public int deletes() {
    return deletes.get();
  }

  @Override
  public ProviderCapabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public MetadataUse metadataUse() {
    return delegate.metadataUse();
  }

  @Override
  public void recover(Map<ServiceKey, LoadBalancerStatus> published) {
    delegate.recover(published);
    recovered.countDown();
  }

  @Override
  public Optional<LoadBalancerStatus> find(ServiceKey service) {
    return delegate.find(service);
  }

  @Override
  public LoadBalancerStatus ensure(LoadBalancerSpec spec) {
    LoadBalancerStatus status = delegate.ensure(spec);
    ensures.incrementAndGet();
    return status;
  }

  @Override
  public void updateBackends(LoadBalancerSpec spec) {
    delegate.updateBackends(spec);
    updates.incrementAndGet();
  }

  @Override
  public void ensureDeleted(ServiceKey service) {
    delegate.ensureDeleted(service);
    deletes.incrementAndGet();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
