package dev.fairlead.lb.aws.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Tag maps to and from the two SDKs' tag types. */
final class Tags {
  private Tags() {}

  static List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag> elb(
      Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(
            e ->
                software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag.builder()
                    .key(e.getKey())
                    .value(e.getValue())
                    .build())
        .toList();
  }

  static List<Tag> ec2(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  static Map<String, String> fromElb(
      List<software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag> tags) {
    Map<String, String> map = new HashMap<>();
    tags.forEach(t -> map.put(t.key(), t.value()));
    return map;
  }

  static Optional<String> ec2Value(List<Tag> tags, String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).findFirst();
  }
}
