package dev.fairlead.lb.baremetal.speaker.bgp;

import dev.fairlead.lb.baremetal.speaker.bgp.wire.BgpMessage;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Capability;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Codec;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Family;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.MessageError;
import dev.fairlead.lb.baremetal.speaker.bgp.wire.Open;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A scripted BGP router on loopback for tests that need a peer misbehaving on purpose: it accepts
 * the speaker's connection and lets the test read and write raw messages.
 */
final class FakePeer implements AutoCloseable {
  final ServerSocket server;
  private Socket socket;
  private DataInputStream in;

  FakePeer() {
    try {
      server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      server.setSoTimeout(15_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  void accept() throws IOException {
    socket = server.accept();
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
  }

  static Open open(int hold, long asn) {
    return new Open(4, (int) asn, hold, 0xC0000201L, List.of(
        Capability.Multiprotocol.of(Family.IPV4_UNICAST),
        Capability.Multiprotocol.of(Family.IPV6_UNICAST), new Capability.RouteRefresh(),
        new Capability.FourOctetAs(asn)));
  }

  /** Accepts, reads the speaker's OPEN, answers with OPEN + KEEPALIVE, reads its KEEPALIVE. */
  Open establish(Open ours) throws IOException, MessageError {
    accept();
    Open theirs = (Open) read();
    send(ours);
    send(new BgpMessage.Keepalive());
    BgpMessage keepalive = read();
    if (!(keepalive instanceof BgpMessage.Keepalive)) {
      throw new AssertionError("expected KEEPALIVE, got " + keepalive);
    }
    return theirs;
  }

  BgpMessage read() throws IOException, MessageError {
    return Codec.FOUR_OCTET.decode(readRaw());
  }

  /** The next message that is not a KEEPALIVE. */
  BgpMessage readSkippingKeepalives() throws IOException, MessageError {
    while (true) {
      BgpMessage m = read();
      if (!(m instanceof BgpMessage.Keepalive)) {
        return m;
      }
    }
  }

  /** The next message that is neither a KEEPALIVE nor an UPDATE. */
  BgpMessage readSkippingKeepalivesAndUpdates() throws IOException, MessageError {
    while (true) {
      BgpMessage m = read();
      if (!(m instanceof BgpMessage.Keepalive) && !(m instanceof dev.fairlead.lb.baremetal.speaker.bgp.wire.Update)) {
        return m;
      }
    }
  }

  byte[] readRaw() throws IOException {
    byte[] header = new byte[Codec.HEADER_LENGTH];
    in.readFully(header);
    int length = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
    byte[] message = Arrays.copyOf(header, length);
    in.readFully(message, Codec.HEADER_LENGTH, length - Codec.HEADER_LENGTH);
    return message;
  }

  void send(BgpMessage m) throws IOException {
    sendRaw(Codec.FOUR_OCTET.encode(m));
  }

  void sendRaw(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Whether the speaker closed the connection (end of stream within the timeout). */
  boolean closedBySpeaker() throws IOException {
    try {
      while (true) {
        readRaw();
      }
    } catch (EOFException | java.net.SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  Optional<Socket> socket() {
    return Optional.ofNullable(socket);
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
    }
    server.close();
  }
}
