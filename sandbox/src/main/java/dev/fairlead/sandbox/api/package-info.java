/**
 * The sandbox API's front: pure pieces that make fabric8's CRUD mock server answer like a
 * Kubernetes API server for kubectl (discovery, OpenAPI v3 for field validation, Tables, field
 * selectors, strategic merge patch, Service defaulting/validation/allocation, Status errors), and
 * {@link dev.fairlead.sandbox.api.ApiShim}, which routes requests through them to the store.
 */
package dev.fairlead.sandbox.api;
