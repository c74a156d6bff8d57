/**
 * Raw {@code AF_PACKET} sockets through the JDK's Foreign Function &amp; Memory API (no JNI, no
 * native build step) and the choice of interfaces to answer on.
 */
package dev.fairlead.lb.baremetal.speaker.net;
