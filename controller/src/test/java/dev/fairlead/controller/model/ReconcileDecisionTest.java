package dev.fairlead.controller.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.controller.model.ReconcileDecision.Action;
import dev.fairlead.controller.model.ReconcileDecision.Applied;
import dev.fairlead.controller.model.ReconcileDecision.CleanUp;
import dev.fairlead.controller.model.ReconcileDecision.DeleteOrphan;
import dev.fairlead.controller.model.ReconcileDecision.Ensure;
import dev.fairlead.controller.model.ReconcileDecision.Facts;
import dev.fairlead.controller.model.ReconcileDecision.Forget;
import dev.fairlead.controller.model.ReconcileDecision.InSync;
import dev.fairlead.controller.model.ReconcileDecision.Reject;
import dev.fairlead.controller.model.ReconcileDecision.ReportContestedStatus;
import dev.fairlead.controller.model.ReconcileDecision.RestoreStatus;
import dev.fairlead.controller.model.ReconcileDecision.UpdateBackends;
import dev.fairlead.controller.model.ReconcileDecision.Validity;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the reconciler's decision, the upstream service controller's semantics as data. */
class ReconcileDecisionTest {

  /** A Service that wants a load balancer, valid, applied and published: everything in place. */
  static final Facts IN_PLACE = new Facts(true, true, true, false, true, Validity.VALID,
      Applied.SAME, true, true, false, false, false);

  static Facts with(Facts f, String field, Object value) {
    return new Facts(
        field.equals("present") ? (Boolean) value : f.present(),
        field.equals("wants") ? (Boolean) value : f.wantsLoadBalancer(),
        field.equals("finalizer") ? (Boolean) value : f.hasFinalizer(),
        field.equals("cleanedUp") ? (Boolean) value : f.cleanedUp(),
        field.equals("remembered") ? (Boolean) value : f.remembered(),
        field.equals("validity") ? (Validity) value : f.validity(),
        field.equals("applied") ? (Applied) value : f.applied(),
        field.equals("publishes") ? (Boolean) value : f.publishesStatus(),
        field.equals("current") ? (Boolean) value : f.statusCurrent(),
        field.equals("behind") ? (Boolean) value : f.cacheBehindOurPatch(),
        field.equals("contested") ? (Boolean) value : f.statusContested(),
        field.equals("warned") ? (Boolean) value : f.warned());
  }

  static Facts with(Facts f, Object... changes) {
    Facts result = f;
    for (int i = 0; i < changes.length; i += 2) {
      result = with(result, (String) changes[i], changes[i + 1]);
    }
    return result;
  }

  static Arguments row(String name, Facts facts, Action expected) {
    return Arguments.of(name, facts, expected);
  }

  static Stream<Arguments> table() {
    Facts gone = with(IN_PLACE, "present", false, "wants", false, "finalizer", false);
    Facts notWanted = with(IN_PLACE, "wants", false);
    Facts fresh = with(IN_PLACE, "finalizer", false, "remembered", false, "applied", Applied.NOTHING,
        "publishes", false, "current", false, "behind", false);
    return Stream.of(
        // skip / forget
        row("gone, nothing applied", with(gone, "remembered", false), new Forget()),
        row("not a LoadBalancer of ours, no finalizer", with(notWanted, "finalizer", false), new Forget()),
        row("cleaned up already, the cache lags", with(notWanted, "cleanedUp", true), new Forget()),
        // clean up
        row("gone without our cleanup (finalizer forced off)", gone, new DeleteOrphan()),
        row("deleted or type changed, finalizer present", notWanted, new CleanUp()),
        // bad input
        row("invalid field", with(IN_PLACE, "validity", Validity.INVALID), new Reject(Validity.INVALID)),
        row("unsupported feature", with(fresh, "validity", Validity.UNSUPPORTED), new Reject(Validity.UNSUPPORTED)),
        // nothing changed
        row("in place", IN_PLACE, new InSync(false)),
        row("in place, our status patch not seen yet", with(IN_PLACE, "current", false, "behind", true),
            new InSync(false)),
        row("in place after a Warning", with(IN_PLACE, "warned", true), new InSync(true)),
        // status
        row("status changed by someone else", with(IN_PLACE, "current", false, "behind", false), new RestoreStatus()),
        row("status keeps being rewritten", with(IN_PLACE, "current", false, "behind", false, "contested", true),
            new ReportContestedStatus()),
        // backends
        row("only backends changed", with(IN_PLACE, "applied", Applied.OTHER_BACKENDS), new UpdateBackends()),
        row("backends changed and status lost", with(IN_PLACE, "applied", Applied.OTHER_BACKENDS,
            "current", false, "behind", false), new Ensure(false)),
        // ensure
        row("spec changed", with(IN_PLACE, "applied", Applied.OTHER_SPEC), new Ensure(false)),
        row("new Service", fresh, new Ensure(false)),
        row("re-check after restart of a published Service", with(fresh, "finalizer", true, "publishes", true),
            new Ensure(true)),
        row("re-check after restart with a Warning to resolve",
            with(fresh, "finalizer", true, "publishes", true, "warned", true), new Ensure(false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(String name, Facts facts, Action expected) {
    assertThat(ReconcileDecision.decide(facts)).isEqualTo(expected);
  }
}
