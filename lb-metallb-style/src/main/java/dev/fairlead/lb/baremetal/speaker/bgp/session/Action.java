package dev.fairlead.lb.baremetal.speaker.bgp.session;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Notification;
import java.util.Optional;

/** What the session asks its transport and observers to do, in order. */
public sealed interface Action {
  /** Open a TCP connection to the peer, then report {@code connected} or {@code connectFailed}. */
  record Connect() implements Action {}

  /**
   * Write a message.
   *
   * @param message the message
   */
  record Send(BgpMessage message) implements Action {}

  /** Close the TCP connection (after the sends before this action). */
  record Disconnect() implements Action {}

  /**
   * The session reached Established.
   *
   * @param negotiated what the OPENs agreed on
   */
  record Up(Negotiated negotiated) implements Action {}

  /**
   * The session left Established (or failed before it) and will retry unless stopped.
   *
   * @param reason what happened, for logs and events
   * @param wasEstablished whether it had been Established
   * @param sent the NOTIFICATION this side sent, if any
   * @param received the NOTIFICATION the peer sent, if any
   */
  record Down(String reason, boolean wasEstablished, Optional<Notification> sent,
      Optional<Notification> received) implements Action {}

  /**
   * Something worth a log line and a counter that changes nothing, such as an UPDATE treated as
   * withdraw (RFC 7606).
   *
   * @param message what happened
   */
  record Warn(String message) implements Action {}
}
