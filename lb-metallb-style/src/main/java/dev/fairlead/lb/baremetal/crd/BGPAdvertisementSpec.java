package dev.fairlead.lb.baremetal.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * What a {@link BGPAdvertisement} says. Field names are MetalLB's.
 *
 * @param aggregationLength IPv4 prefix length to announce (default 32)
 * @param aggregationLengthV6 IPv6 prefix length to announce (default 128)
 * @param localPref LOCAL_PREF for iBGP peers
 * @param communities {@code 65000:100}, {@code large:65000:1:2}, or a well-known name
 *     ({@code no-export}, {@code no-advertise}, {@code no-export-subconfed}, {@code no-peer})
 * @param ipAddressPools pool names (both pool fields empty: every pool)
 * @param ipAddressPoolSelectors pool label selectors
 * @param nodeSelectors the nodes that announce (default: all eligible nodes)
 * @param peers BGPPeer names to announce to (default: all)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BGPAdvertisementSpec(
    Integer aggregationLength,
    Integer aggregationLengthV6,
    Long localPref,
    List<String> communities,
    List<String> ipAddressPools,
    List<LabelSelector> ipAddressPoolSelectors,
    List<LabelSelector> nodeSelectors,
    List<String> peers) {}
