package dev.fairlead.lb.baremetal.speaker.bgp.wire;

/**
 * A received message is malformed or not acceptable: the session must send {@link #notification()}
 * and close (RFC 4271 §6).
 */
public final class MessageError extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Notification notification;

  /**
   * Creates the error.
   *
   * @param notification what to send to the peer
   * @param detail what was wrong, for logs
   */
  public MessageError(Notification notification, String detail) {
    super(notification.describe() + ": " + detail);
    this.notification = notification;
  }

  /**
   * The NOTIFICATION to send.
   *
   * @return the notification
   */
  public Notification notification() {
    return notification;
  }
}
