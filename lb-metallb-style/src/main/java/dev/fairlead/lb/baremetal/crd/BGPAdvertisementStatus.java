package dev.fairlead.lb.baremetal.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What each speaker announces because of this advertisement, under its node's name.
 *
 * @param nodes node name to announcement
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BGPAdvertisementStatus(Map<String, Node> nodes) {

  /**
   * One node's view.
   *
   * @param prefixes prefixes this node announces because of the advertisement
   * @param peers the peers it announces them to
   * @param error why the advertisement is not used, if it is invalid
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Node(Integer prefixes, List<String> peers, String error) {}
}
