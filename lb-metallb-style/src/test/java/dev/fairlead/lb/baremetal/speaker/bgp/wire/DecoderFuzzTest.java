package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A bounded fuzz of the receive path (frame check, then decode): random frames and FRR's messages
 * with bytes flipped, cut or appended must decode or yield a NOTIFICATION with a defined code, and
 * nothing else: no runtime exception can reach the session.
 */
class DecoderFuzzTest {

  /** What the session does with received octets; returns the notification or null. */
  private static Notification receive(byte[] bytes, Codec codec) {
    if (bytes.length < Codec.HEADER_LENGTH) {
      return null; // the reader waits for more octets
    }
    try {
      int length = Codec.frameLength(Arrays.copyOf(bytes, Codec.HEADER_LENGTH));
      if (length > bytes.length) {
        return null;
      }
      codec.decode(Arrays.copyOf(bytes, length));
      return null;
    } catch (MessageError e) {
      return e.notification();
    }
  }

  @Property(tries = 3000)
  void mutatedFrrMessagesNeverCrashTheDecoder(@ForAll("mutated") byte[] message,
      @ForAll boolean fourOctetAs) {
    Notification n = receive(message, Codec.of(fourOctetAs));
    if (n != null) {
      assertThat(n.code()).isBetween(1, 6);
      assertThat(n.describe()).isNotBlank();
    }
  }

  @Property(tries = 3000)
  void randomBodiesBehindAValidHeaderNeverCrashTheDecoder(
      @ForAll("types") int type, @ForAll("bodies") byte[] body) {
    byte[] message = new byte[Codec.HEADER_LENGTH + body.length];
    Arrays.fill(message, 0, 16, (byte) 0xff);
    message[16] = (byte) (message.length >> 8);
    message[17] = (byte) message.length;
    message[18] = (byte) type;
    System.arraycopy(body, 0, message, Codec.HEADER_LENGTH, body.length);

    Notification n = receive(message, Codec.FOUR_OCTET);

    if (n != null) {
      assertThat(n.code()).isBetween(1, 6);
    }
  }

  @Property(tries = 500)
  void updatesTheSpeakerBuildsRoundTrip(@ForAll("updates") Update update) throws MessageError {
    assertThat(Codec.FOUR_OCTET.decode(Codec.FOUR_OCTET.encode(update))).isEqualTo(update);
  }

  @Provide
  Arbitrary<Integer> types() {
    return Arbitraries.integers().between(1, 5);
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    List<byte[]> seeds = new ArrayList<>(Captures.messages().values());
    Arbitrary<byte[]> seed = Arbitraries.of(seeds);
    return Combinators.combine(seed, Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 200), Arbitraries.bytes(),
        Arbitraries.integers().between(1, 8)).as((base, kind, where, value, count) -> {
          byte[] m = base.clone();
          int at = where % m.length;
          return switch (kind) {
            case 0 -> { // flip up to `count` octets, also inside the header
              for (int i = 0; i < count; i++) {
                m[(at + i * 7) % m.length] ^= value == 0 ? 1 : value;
              }
              yield m;
            }
            case 1 -> fixLength(Arrays.copyOf(m, Math.max(at, Codec.HEADER_LENGTH))); // cut
            case 2 -> { // append garbage and fix the length field
              byte[] longer = Arrays.copyOf(m, m.length + count);
              Arrays.fill(longer, m.length, longer.length, value);
              yield fixLength(longer);
            }
            default -> { // flip one octet of the body, keep the framing valid
              int body = Codec.HEADER_LENGTH + at % Math.max(1, m.length - Codec.HEADER_LENGTH);
              if (body < m.length) {
                m[body] = value;
              }
              yield m;
            }
          };
        });
  }

  private static byte[] fixLength(byte[] m) {
    m[16] = (byte) (m.length >> 8);
    m[17] = (byte) m.length;
    return m;
  }

  @Provide
  Arbitrary<Update> updates() {
    Arbitrary<Cidr> v4 = Arbitraries.integers().between(0, 32).flatMap(bits ->
        Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> new Cidr(address(b), bits)));
    Arbitrary<Cidr> v6 = Arbitraries.integers().between(0, 128).flatMap(bits ->
        Arbitraries.bytes().array(byte[].class).ofSize(16).map(b -> new Cidr(address(b), bits)));
    Arbitrary<List<Long>> communities = Arbitraries.longs().between(0, 0xFFFF_FFFFL).list()
        .ofMinSize(1).ofMaxSize(10);
    return Combinators.combine(v4.list().ofMaxSize(20), v4.list().ofMaxSize(20),
        v6.list().ofMaxSize(20), communities, Arbitraries.longs().between(0, 0xFFFF_FFFFL))
        .as((withdrawn, nlri, v6nlri, c, asn) -> {
          List<PathAttribute> attributes = new ArrayList<>(List.of(PathAttribute.Origin.IGP,
              new PathAttribute.AsPath(List.of(new PathAttribute.AsSegment(2, List.of(asn)))),
              new PathAttribute.NextHop(InetAddress.ofLiteral("192.0.2.2")),
              new PathAttribute.Communities(c)));
          if (!v6nlri.isEmpty()) {
            attributes.add(new PathAttribute.MpReach(2, 1,
                List.of(InetAddress.ofLiteral("2001:db8::2")), v6nlri));
          }
          return new Update(withdrawn, attributes, nlri);
        });
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
