/**
 * The Fairlead load-balancer provider SPI. It requires nothing but {@code java.base}, so a vendor's
 * provider compiles against this module alone; providers are found with {@link java.util.ServiceLoader}.
 */
module dev.fairlead.lb.api {
  exports dev.fairlead.lb.api;

  uses dev.fairlead.lb.api.LoadBalancerProviderFactory;
}
