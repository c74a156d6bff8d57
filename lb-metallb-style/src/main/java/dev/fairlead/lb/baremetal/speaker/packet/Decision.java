package dev.fairlead.lb.baremetal.speaker.packet;

/** What to do with one received frame: send a reply frame, or drop it for a reason. */
public sealed interface Decision {

  /**
   * Send {@code frame} on the interface the request arrived on.
   *
   * @param frame the complete Ethernet frame
   */
  record Reply(byte[] frame) implements Decision {
    /** Copies the frame. */
    public Reply {
      frame = frame.clone();
    }

    @Override
    public byte[] frame() {
      return frame.clone();
    }
  }

  /**
   * No answer.
   *
   * @param reason why
   */
  record Drop(DropReason reason) implements Decision {}
}
