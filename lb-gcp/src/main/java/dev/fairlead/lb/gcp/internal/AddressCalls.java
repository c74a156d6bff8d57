package dev.fairlead.lb.gcp.internal;

import com.google.cloud.compute.v1.Address;
import com.google.cloud.compute.v1.DeleteAddressRequest;
import com.google.cloud.compute.v1.InsertAddressRequest;
import dev.fairlead.lb.cloud.CallKind;
import dev.fairlead.lb.gcp.model.Observed;
import dev.fairlead.lb.gcp.model.ServiceOptions;
import dev.fairlead.lb.gcp.model.Step;
import java.util.Optional;

/** Static addresses: reserved to keep an address across a recreation, or to share it between rules. */
final class AddressCalls extends Calls {
  AddressCalls(Calls base) {
    super(base);
  }

  Optional<Observed.Address> get(String name) {
    return find("addresses.get", () -> clients.addresses.get(project(), region(), name)).map(a ->
        new Observed.Address(a.getName(), a.getAddress(), a.getAddressType().equals("INTERNAL"),
            a.getNetworkTier().isEmpty() ? "PREMIUM" : a.getNetworkTier(), a.getStatus().equals("IN_USE")));
  }

  /** Reserves the address and answers the IP it holds (a new one is read back). */
  String reserve(Step.ReserveAddress step, String description) {
    Address.Builder b = Address.newBuilder().setName(step.name()).setDescription(description)
        .setAddressType(step.internal() ? "INTERNAL" : "EXTERNAL");
    step.ip().ifPresent(b::setAddress);
    if (step.internal()) {
      b.setSubnetwork(regional("subnetworks", step.subnetwork().orElse(settings.subnetwork())));
    } else {
      b.setNetworkTier(step.tier() == ServiceOptions.Tier.STANDARD ? "STANDARD" : "PREMIUM");
    }
    try {
      write("addresses.insert", "addresses/" + step.name() + " insert", CallKind.CREATE,
          () -> clients.addresses.insertCallable().call(InsertAddressRequest.newBuilder().setProject(project())
              .setRegion(region()).setAddressResource(b).build()));
    } catch (RuntimeException e) {
      if (!GcpErrors.alreadyExists(e)) {
        throw e;
      }
    }
    if (step.ip().isPresent()) {
      return step.ip().get();
    }
    return get(step.name()).map(Observed.Address::ip)
        .orElseThrow(() -> new IllegalStateException("addresses/" + step.name() + " vanished after its insert"));
  }

  void release(String name) {
    delete("addresses.delete", "addresses/" + name + " delete",
        () -> clients.addresses.deleteCallable().call(DeleteAddressRequest.newBuilder().setProject(project())
            .setRegion(region()).setAddress(name).build()));
  }
}
