/**
 * Pure ARP and neighbor-discovery codecs and the speaker's answering rules: frames in, frames out,
 * no I/O, so every rule has a golden-frame unit test.
 */
package dev.fairlead.lb.baremetal.speaker.packet;
