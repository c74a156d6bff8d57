/**
 * The pure election: which node answers for which VIP, from Nodes, Services, EndpointSlices,
 * address pools and the set of live speakers.
 */
package dev.fairlead.lb.baremetal.speaker.election;
