package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairlead.lb.api.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A bounded, reproducible fuzz of the receive path (frame check, then decode): FRR's messages with
 * octets flipped, cut or appended, and random bodies behind a valid header, must decode or yield a
 * NOTIFICATION with a defined code, and nothing else: no runtime exception can reach the session.
 * Fixed seeds, so a failure names the input and reproduces.
 */
class DecoderFuzzTest {
  private static final long SEED = 20261201L;

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

  private static void check(byte[] message, Codec codec) {
    Notification n;
    try {
      n = receive(message, codec);
    } catch (RuntimeException e) {
      throw new AssertionError("decoder crashed on " + HexFormat.of().formatHex(message), e);
    }
    if (n != null) {
      assertThat(n.code()).as(HexFormat.of().formatHex(message)).isBetween(1, 6);
      assertThat(n.describe()).isNotBlank();
    }
  }

  @Test
  void mutatedFrrMessagesNeverCrashTheDecoder() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<byte[]> seeds = new ArrayList<>(Captures.messages().values());
    for (int i = 0; i < 5000; i++) {
      byte[] m = seeds.get(random.nextInt(seeds.size())).clone();
      int at = random.nextInt(m.length);
      byte value = (byte) random.nextInt(256);
      switch (random.nextInt(4)) {
        case 0 -> { // flip up to 8 octets, the header included
          for (int k = random.nextInt(1, 9); k > 0; k--) {
            m[random.nextInt(m.length)] ^= (byte) random.nextInt(1, 256);
          }
        }
        case 1 -> m = fixLength(Arrays.copyOf(m, Math.max(at, Codec.HEADER_LENGTH))); // cut
        case 2 -> { // append garbage, fix the length field
          int extra = random.nextInt(1, 40);
          m = Arrays.copyOf(m, m.length + extra);
          Arrays.fill(m, m.length - extra, m.length, value);
          m = fixLength(m);
        }
        default -> { // one body octet, framing kept
          if (m.length > Codec.HEADER_LENGTH) {
            m[Codec.HEADER_LENGTH + at % (m.length - Codec.HEADER_LENGTH)] = value;
          }
        }
      }
      check(m, Codec.of(random.nextBoolean()));
    }
  }

  @Test
  void randomBodiesBehindAValidHeaderNeverCrashTheDecoder() {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 5000; i++) {
      byte[] body = new byte[random.nextInt(120)];
      random.nextBytes(body);
      byte[] message = new byte[Codec.HEADER_LENGTH + body.length];
      Arrays.fill(message, 0, 16, (byte) 0xff);
      message[18] = (byte) random.nextInt(1, 6);
      System.arraycopy(body, 0, message, Codec.HEADER_LENGTH, body.length);
      check(fixLength(message), Codec.FOUR_OCTET);
    }
  }

  @Test
  void updatesTheSpeakerBuildsRoundTrip() throws MessageError {
    SplittableRandom random = new SplittableRandom(SEED + 2);
    for (int i = 0; i < 500; i++) {
      List<Long> communities = new ArrayList<>();
      for (int k = random.nextInt(1, 10); k > 0; k--) {
        communities.add(random.nextLong(0x1_0000_0000L));
      }
      List<PathAttribute> attributes = new ArrayList<>(List.of(PathAttribute.Origin.IGP,
          new PathAttribute.AsPath(List.of(new PathAttribute.AsSegment(2,
              List.of(random.nextLong(0x1_0000_0000L))))),
          new PathAttribute.NextHop(InetAddress.ofLiteral("192.0.2.2")),
          new PathAttribute.Communities(communities)));
      List<Cidr> v6 = prefixes(random, 16, random.nextInt(20));
      if (!v6.isEmpty()) {
        attributes.add(new PathAttribute.MpReach(2, 1, List.of(InetAddress.ofLiteral("2001:db8::2")),
            v6));
      }
      Update update = new Update(prefixes(random, 4, random.nextInt(20)), attributes,
          prefixes(random, 4, random.nextInt(20)));
      assertThat(Codec.FOUR_OCTET.decode(Codec.FOUR_OCTET.encode(update))).isEqualTo(update);
    }
  }

  private static List<Cidr> prefixes(SplittableRandom random, int octets, int count) {
    List<Cidr> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] address = new byte[octets];
      random.nextBytes(address);
      try {
        list.add(new Cidr(InetAddress.getByAddress(address), random.nextInt(octets * 8 + 1)));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return list;
  }

  private static byte[] fixLength(byte[] m) {
    m[16] = (byte) (m.length >> 8);
    m[17] = (byte) m.length;
    return m;
  }
}
