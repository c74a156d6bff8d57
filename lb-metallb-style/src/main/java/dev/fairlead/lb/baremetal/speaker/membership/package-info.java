/** Which speakers are alive: JGroups, with failure detection in milliseconds to seconds. */
package dev.fairlead.lb.baremetal.speaker.membership;
