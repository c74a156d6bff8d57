package dev.fairlead.lb.aws.internal.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The checkpoint an NLB carries in its tags: the model hash it was converged to, the hash of the
 * registered targets and the IDs of its target groups (in model order, so a restart can rebuild
 * their ARNs without a describe). Three tags rather than one encoded value because the targets hash
 * is rewritten on its own, with one {@code AddTags} call for up to 20 NLBs that share a target set.
 *
 * @param modelHash {@link NlbModel#modelHash()}
 * @param targetsHash {@link NlbModel#targetsHash()}
 * @param targetGroupNames the target group names in {@link NlbModel#targetGroups()} order
 */
public record CheckpointTags(String modelHash, String targetsHash, List<String> targetGroupNames) {
  /** The model-hash value that withdraws the claim while an update is under way. */
  public static final String UPDATING = "updating";

  private static final int MAX_TAG_VALUE = 256;

  /** Copies. */
  public CheckpointTags {
    Objects.requireNonNull(modelHash, "modelHash");
    Objects.requireNonNull(targetsHash, "targetsHash");
    targetGroupNames = List.copyOf(targetGroupNames);
  }

  /**
   * The checkpoint of a model.
   *
   * @param model the model
   * @return its checkpoint
   */
  public static CheckpointTags of(NlbModel model) {
    return new CheckpointTags(
        model.modelHash(),
        model.targetsHash(),
        model.targetGroups().stream().map(TargetGroupModel::name).toList());
  }

  /**
   * The tags, with the target group IDs taken from their ARNs. The ID list is left out when it
   * would not fit a tag value; a restart then reads the target groups instead.
   *
   * @param arnsByName every target group's ARN by name
   * @return the tags
   * @throws IllegalArgumentException if an ARN is missing
   */
  public Map<String, String> tags(Map<String, String> arnsByName) {
    Map<String, String> tags = new TreeMap<>();
    tags.put(NlbModel.MODEL_HASH_TAG, modelHash);
    tags.put(NlbModel.TARGETS_HASH_TAG, targetsHash);
    String ids = String.join(",", targetGroupIds(arnsByName));
    if (ids.length() <= MAX_TAG_VALUE) {
      tags.put(NlbModel.TARGET_GROUP_IDS_TAG, ids);
    }
    return tags;
  }

  /**
   * The target group IDs (the last ARN segment), in model order.
   *
   * @param arnsByName every target group's ARN by name
   * @return the IDs
   */
  public List<String> targetGroupIds(Map<String, String> arnsByName) {
    return targetGroupNames.stream()
        .map(
            name -> {
              String arn = arnsByName.get(name);
              if (arn == null) {
                throw new IllegalArgumentException("no ARN for target group " + name);
              }
              return arn.substring(arn.lastIndexOf('/') + 1);
            })
        .toList();
  }

  /**
   * Whether an NLB's tags already hold this checkpoint.
   *
   * @param lbTags the NLB's tags
   * @param arnsByName every target group's ARN by name
   * @return true if every checkpoint tag has the value it would be written with
   */
  public boolean heldBy(Map<String, String> lbTags, Map<String, String> arnsByName) {
    return tags(arnsByName).entrySet().stream()
        .allMatch(e -> e.getValue().equals(lbTags.get(e.getKey())));
  }
}
