package dev.fairlead.lb.baremetal.speaker.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.MessageBatch;
import org.junit.jupiter.api.Test;

/** The seal on its own: one sender stack and one receiver stack, wired by hand. */
class SealProtocolTest {
  static final Keyring A = JGroupsMembershipIT.KEY_A;
  static final Keyring B = JGroupsMembershipIT.KEY_B;
  static final byte[] SECRET_PAYLOAD = "view {node1, node2}".getBytes(StandardCharsets.UTF_8);

  /** Collects what passes through it. */
  static final class Capture extends Protocol {
    final List<Message> messages = new ArrayList<>();

    @Override
    public Object down(Message msg) {
      messages.add(msg);
      return null;
    }

    @Override
    public Object up(Message msg) {
      messages.add(msg);
      return null;
    }

    @Override
    public void up(MessageBatch batch) {
      batch.forEach(messages::add);
    }
  }

  final List<Refusal> refusals = new ArrayList<>();
  final Address sender = ExtendedUUID.randomUUID("node1").put("node", "node1".getBytes(StandardCharsets.UTF_8));

  SealProtocol stack(Keyring keys, Capture below, Capture above) {
    SealProtocol seal = new SealProtocol(keys, refusals::add);
    seal.setDownProtocol(below);
    seal.setUpProtocol(above);
    seal.setAddress(sender);
    return seal;
  }

  /** A message as a member sends it: a payload and a header of another protocol. */
  Message plain() {
    return new BytesMessage(null, SECRET_PAYLOAD).setSrc(sender)
        .setFlag(Message.Flag.OOB)
        .putHeader((short) 1713, new SealHeader(7, new byte[16], 9));
  }

  /** What the sender puts on the wire for {@link #plain()}. */
  Message sealed(Keyring keys) {
    Capture wire = new Capture();
    stack(keys, wire, new Capture()).down(plain());
    return wire.messages.getFirst();
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1)
        .contains(new String(needle, StandardCharsets.ISO_8859_1));
  }

  @Test
  void theWireCarriesOnlyCiphertextAndTheReceiverGetsTheWholeMessageBack() {
    Message wire = sealed(A);

    assertThat(contains(wire.getArray(), SECRET_PAYLOAD)).as("payload encrypted").isFalse();
    assertThat((Object) wire.getHeader((short) 1713)).as("other headers are inside the seal").isNull();
    assertThat(wire.isFlagSet(Message.Flag.OOB)).as("flags stay visible to the transport").isTrue();

    Capture above = new Capture();
    stack(A, new Capture(), above).up(wire);

    Message opened = above.messages.getFirst();
    assertThat(opened.getArray()).isEqualTo(SECRET_PAYLOAD);
    assertThat(opened.<SealHeader>getHeader((short) 1713).counter).isEqualTo(9);
    assertThat(opened.getSrc()).isEqualTo(sender);
    assertThat(refusals).isEmpty();
  }

  @Test
  void batchesAreOpenedMessageByMessageAndRefusedOnesLeaveTheBatch() {
    Message good = sealed(A);
    Message bad = new BytesMessage(null, SECRET_PAYLOAD).setSrc(sender);
    Capture above = new Capture();
    MessageBatch batch = new MessageBatch(null, sender, null, true, List.of(good, bad));

    stack(A, new Capture(), above).up(batch);

    assertThat(above.messages).hasSize(1);
    assertThat(above.messages.getFirst().getArray()).isEqualTo(SECRET_PAYLOAD);
    assertThat(refusals).extracting(Refusal::reason).containsExactly(Refusal.Reason.NOT_SEALED);
    assertThat(refusals).extracting(Refusal::peer).containsExactly("node1");
  }

  @Test
  void everyWayOfGettingItWrongIsRefusedWithItsReason() {
    Message wire = sealed(A);
    byte[] flipped = wire.getArray().clone();
    flipped[wire.getOffset() + 3] ^= 1;
    Message tampered = wire.copy(false, true).setArray(flipped, wire.getOffset(), wire.getLength());
    Message otherSender = wire.copy(true, true).setSrc(ExtendedUUID.randomUUID("node2"));
    Capture above = new Capture();
    SealProtocol receiver = stack(A, new Capture(), above);

    receiver.up(tampered);
    receiver.up(otherSender);
    stack(B, new Capture(), new Capture()).up(wire);
    stack(null, new Capture(), new Capture()).up(wire);
    receiver.up(plain());
    receiver.up(wire);
    receiver.up(wire.copy(true, true));

    assertThat(refusals).extracting(Refusal::reason).containsExactly(
        Refusal.Reason.FORGED, Refusal.Reason.FORGED, Refusal.Reason.UNKNOWN_KEY,
        Refusal.Reason.SEALED_BUT_NO_KEY, Refusal.Reason.NOT_SEALED, Refusal.Reason.REPLAYED);
    assertThat(above.messages).as("only the genuine message, once").hasSize(1);
  }

  @Test
  void aSecondAcceptedKeyOpensTrafficSealedWithIt() {
    Keyring both = Keyring.fromSecret(Map.of("key", KeyringTest.bytes(KeyringTest.A),
        "next", KeyringTest.bytes(KeyringTest.B)));
    Capture above = new Capture();
    SealProtocol receiver = stack(A, new Capture(), above);
    receiver.rekey(both);

    receiver.up(sealed(B));
    receiver.up(sealed(A));

    assertThat(above.messages).hasSize(2);
    assertThat(refusals).isEmpty();
  }

  @Test
  void withoutKeysMessagesPassUnchanged() {
    Capture wire = new Capture();
    Message msg = plain();
    stack(null, wire, new Capture()).down(msg);

    assertThat(wire.messages).containsExactly(msg);
  }
}
