package dev.fairlead.lb.baremetal.crd;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What the speakers report about an {@link L2Advertisement}; written by one speaker at a time (the
 * live speaker with the smallest node name), only when it changes.
 */
public class L2AdvertisementStatus {
  private List<Condition> conditions = new ArrayList<>();
  private List<String> selectedPools = new ArrayList<>();

  /**
   * The {@code Valid} condition: {@code False} with the offending field in the message when the
   * advertisement cannot be used (it then selects nothing).
   *
   * @return conditions
   */
  public List<Condition> getConditions() {
    return conditions;
  }

  /**
   * Sets the conditions.
   *
   * @param conditions conditions
   */
  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /**
   * The existing pools this advertisement selects, sorted.
   *
   * @return pool names
   */
  public List<String> getSelectedPools() {
    return selectedPools;
  }

  /**
   * Sets the pools.
   *
   * @param selectedPools pool names
   */
  public void setSelectedPools(List<String> selectedPools) {
    this.selectedPools = selectedPools;
  }
}
