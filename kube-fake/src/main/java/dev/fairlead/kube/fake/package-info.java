/**
 * The one Kubernetes test double of the project: {@link dev.fairlead.kube.fake.FakeApiServer}
 * runs fabric8's CRUD mock API server with {@link dev.fairlead.kube.fake.FaithfulCrudDispatcher},
 * which behaves like a real API server where a controller notices the difference, and counts
 * requests. {@link dev.fairlead.kube.fake.MergePatch} is the RFC 7386 merge patch it and the
 * sandbox apply.
 */
package dev.fairlead.kube.fake;
