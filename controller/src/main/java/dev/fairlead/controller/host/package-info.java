/**
 * What the controller offers code that runs inside it besides the provider SPI: a {@link
 * dev.fairlead.controller.host.ClusterHost} for providers that keep objects of their own in the
 * cluster. In-tree modules may use this package (and the CLI helpers in {@code ..controller.cli});
 * every other controller package is internal, and the build checks that no provider module imports
 * one.
 */
package dev.fairlead.controller.host;
