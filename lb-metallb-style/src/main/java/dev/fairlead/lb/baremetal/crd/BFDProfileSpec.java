package dev.fairlead.lb.baremetal.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * BFD parameters; field names are MetalLB's.
 *
 * @param receiveInterval minimum interval between received packets, ms (default 300)
 * @param transmitInterval minimum interval between sent packets, ms (default 300)
 * @param detectMultiplier packets missed before the session is down (default 3)
 * @param echoInterval not supported (echo mode)
 * @param echoMode not supported
 * @param passiveMode wait for the router's first packet
 * @param minimumTtl only for multi-hop BFD, which is not supported; single hop always uses 255
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BFDProfileSpec(Integer receiveInterval, Integer transmitInterval,
    Integer detectMultiplier, Integer echoInterval, Boolean echoMode, Boolean passiveMode,
    Integer minimumTtl) {}
