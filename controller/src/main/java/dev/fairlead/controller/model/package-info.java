/**
 * The controller's pure core: what to do with a Service ({@link
 * dev.fairlead.controller.model.ReconcileDecision}) and the outcome of mapping it ({@link
 * dev.fairlead.controller.model.SpecMapping}). No Kubernetes client or model types and no I/O
 * (checked by the build), so every rule is a row of a table-driven test.
 */
package dev.fairlead.controller.model;
