package dev.fairlead.lb.baremetal.speaker.membership;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.net.ServerSocketFactory;

/**
 * Server sockets for the membership transport that refuse a connection whose opening handshake
 * claims another host's address.
 *
 * <p>JGroups' TCP transport keys connections by the address the connecting side <em>declares</em>
 * in its first bytes, and a new connection for an address replaces the existing one. Without this
 * check anyone who can reach the port could declare a speaker's address and take its place in the
 * connection table, swallowing that speaker's traffic until it is suspected; the seal does not help,
 * because the handshake comes before any message. Speakers bind their outgoing sockets to their own
 * address, so the declared address must be the connection's source address; anything else is
 * closed before JGroups sees it.
 *
 * <p>The handshake is JGroups' {@code TcpConnection} preamble: cookie (4 bytes), version (2),
 * address size (2), then the {@code IpAddress}: length (1), the address, the scope id (4, IPv6
 * only), the port (2).
 */
final class PeerAddressCheck extends ServerSocketFactory {
  private static final int PREAMBLE = 4 + 2 + 2 + 1;
  private final Consumer<Refusal> refusals;

  PeerAddressCheck(Consumer<Refusal> refusals) {
    this.refusals = refusals;
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new CheckingServerSocket();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new java.net.InetSocketAddress(port));
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new java.net.InetSocketAddress(port), backlog);
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
      throws IOException {
    ServerSocket s = createServerSocket();
    s.bind(new java.net.InetSocketAddress(address, port), backlog);
    return s;
  }

  private final class CheckingServerSocket extends ServerSocket {
    CheckingServerSocket() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      if (isClosed()) {
        throw new SocketException("Socket is closed");
      }
      Socket socket = new CheckedSocket();
      implAccept(socket);
      return socket;
    }
  }

  private final class CheckedSocket extends Socket {
    private InputStream checked;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (checked == null) {
        checked = new HandshakeCheck(super.getInputStream(), this);
      }
      return checked;
    }
  }

  /** Reads and checks the preamble on the first read, then replays it and passes through. */
  private final class HandshakeCheck extends FilterInputStream {
    private final Socket socket;
    private byte[] preamble;
    private int position;

    HandshakeCheck(InputStream in, Socket socket) {
      super(in);
      this.socket = socket;
    }

    private void check() throws IOException {
      if (preamble != null) {
        return;
      }
      byte[] head = in.readNBytes(PREAMBLE);
      if (head.length < PREAMBLE) {
        preamble = head; // the transport sees the short read and drops the connection itself
        return;
      }
      int length = head[PREAMBLE - 1];
      int rest = switch (length) {
        case 4 -> 4 + 2;
        case 16 -> 16 + 4 + 2;
        default -> 2;
      };
      byte[] tail = in.readNBytes(rest);
      preamble = ByteBuffer.allocate(head.length + tail.length).put(head).put(tail).array();
      if (tail.length < rest || (length != 4 && length != 16)) {
        return;
      }
      InetAddress claimed = InetAddress.getByAddress(Arrays.copyOfRange(tail, 0, length));
      InetAddress actual = socket.getInetAddress();
      if (!claimed.equals(actual)) {
        refusals.accept(new Refusal(actual.getHostAddress(), Refusal.Reason.SPOOFED_ADDRESS));
        socket.close();
        throw new IOException("membership connection from " + actual.getHostAddress()
            + " claims to come from " + claimed.getHostAddress() + "; closed");
      }
    }

    @Override
    public int read() throws IOException {
      check();
      if (position < preamble.length) {
        return preamble[position++] & 0xff;
      }
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      if (position < preamble.length) {
        int n = Math.min(len, preamble.length - position);
        System.arraycopy(preamble, position, b, off, n);
        position += n;
        return n;
      }
      return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      int buffered = preamble == null ? 0 : preamble.length - position;
      return buffered + in.available();
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
