package dev.fairlead.lb.baremetal.speaker.bgp.wire;

import dev.fairlead.lb.api.Cidr;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Encodes and decodes BGP messages. Instances differ only in whether AS numbers in AS_PATH take four
 * octets, which both sides agree on in their OPENs; {@link #BEFORE_OPEN} decodes OPEN, KEEPALIVE and
 * NOTIFICATION before that.
 *
 * <p>Errors follow RFC 4271 §6 with the revisions of RFC 7606: a message whose framing cannot be
 * trusted (bad header, lengths that do not add up, malformed NLRI, a broken MP_REACH_NLRI) raises
 * {@link MessageError} with the NOTIFICATION to send; an attribute with a bad value but intact
 * framing only marks the UPDATE "treat-as-withdraw", since a session reset would withdraw every
 * route of this node for a fault in a route the speaker ignores anyway.
 */
public final class Codec {
  /** Octets of the common header: marker, length, type. */
  public static final int HEADER_LENGTH = 19;

  /** Largest message without the extended-message capability (RFC 4271). */
  public static final int MAX_LENGTH = 4096;

  /** A codec for sessions that negotiated 4-octet AS numbers. */
  public static final Codec FOUR_OCTET = new Codec(true);

  /** A codec for 2-octet AS_PATHs; also decodes what arrives before the OPENs are exchanged. */
  public static final Codec TWO_OCTET = new Codec(false);

  /** The codec before the OPENs are exchanged (AS_PATH never occurs there). */
  public static final Codec BEFORE_OPEN = TWO_OCTET;

  private final boolean fourOctetAs;

  private Codec(boolean fourOctetAs) {
    this.fourOctetAs = fourOctetAs;
  }

  /**
   * The codec for a session.
   *
   * @param fourOctetAs whether both OPENs carried the 4-octet AS capability
   * @return the codec
   */
  public static Codec of(boolean fourOctetAs) {
    return fourOctetAs ? FOUR_OCTET : TWO_OCTET;
  }

  // ---------------------------------------------------------------------------------------------
  // Decoding

  /**
   * Checks a message header (marker, length, type) and returns the message's total length.
   *
   * @param header at least {@link #HEADER_LENGTH} octets
   * @return the length field, header included
   * @throws MessageError Message Header Error with the RFC's data
   */
  public static int frameLength(byte[] header) throws MessageError {
    for (int i = 0; i < 16; i++) {
      if (header[i] != (byte) 0xff) {
        throw new MessageError(Notification.of(Notification.HEADER, 1), "marker is not all ones");
      }
    }
    int length = u16(header, 16);
    int type = header[18] & 0xff;
    if (length < HEADER_LENGTH || length > MAX_LENGTH) {
      throw badLength(length);
    }
    int min = switch (type) {
      case BgpMessage.OPEN -> 29;
      case BgpMessage.UPDATE -> 23;
      case BgpMessage.NOTIFICATION -> 21;
      case BgpMessage.KEEPALIVE, BgpMessage.ROUTE_REFRESH -> 0;
      default -> throw new MessageError(
          new Notification(Notification.HEADER, 3, new byte[] {(byte) type}), "type " + type);
    };
    boolean exact = type == BgpMessage.KEEPALIVE || type == BgpMessage.ROUTE_REFRESH;
    int expected = type == BgpMessage.KEEPALIVE ? HEADER_LENGTH : HEADER_LENGTH + 4;
    if (exact ? length != expected : length < min) {
      throw badLength(length);
    }
    return length;
  }

  private static MessageError badLength(int length) {
    return new MessageError(new Notification(Notification.HEADER, 2,
        new byte[] {(byte) (length >> 8), (byte) length}), "length " + length);
  }

  /**
   * Decodes one complete message.
   *
   * @param message the message, header included, exactly as long as its length field says
   * @return the message
   * @throws MessageError with the NOTIFICATION to send
   */
  public BgpMessage decode(byte[] message) throws MessageError {
    if (message.length < HEADER_LENGTH) {
      throw badLength(message.length);
    }
    int length = frameLength(message);
    if (length != message.length) {
      throw badLength(message.length);
    }
    Cursor in = new Cursor(message, HEADER_LENGTH, message.length);
    return switch (message[18] & 0xff) {
      case BgpMessage.OPEN -> decodeOpen(in);
      case BgpMessage.UPDATE -> decodeUpdate(in);
      case BgpMessage.NOTIFICATION -> new Notification(in.u8(), in.u8(), in.rest());
      case BgpMessage.KEEPALIVE -> new BgpMessage.Keepalive();
      default -> {
        int afi = in.u16();
        in.u8();
        yield new BgpMessage.RouteRefresh(afi, in.u8());
      }
    };
  }

  private static Open decodeOpen(Cursor in) throws MessageError {
    int version = in.u8();
    if (version != 4) {
      throw new MessageError(new Notification(Notification.OPEN, 1, new byte[] {0, 4}),
          "version " + version);
    }
    int myAs = in.u16();
    int hold = in.u16();
    long id = in.u32();
    if (hold == 1 || hold == 2) {
      throw new MessageError(new Notification(Notification.OPEN, 6,
          new byte[] {(byte) (hold >> 8), (byte) hold}), "hold time " + hold);
    }
    if (id == 0) {
      throw new MessageError(new Notification(Notification.OPEN, 3, new byte[4]), "BGP identifier 0");
    }
    int optLength = in.u8();
    boolean extended = optLength == 255 && in.remaining() > 0 && in.peek() == 255;
    if (extended) { // RFC 9072: 255, 255, then a 2-octet length and 2-octet parameter lengths
      in.u8();
      optLength = in.remaining() >= 2 ? in.u16() : -1;
    }
    if (optLength != in.remaining()) {
      throw new MessageError(Notification.of(Notification.OPEN, 0),
          "optional parameters length " + optLength + " but " + in.remaining() + " octets follow");
    }
    List<Capability> capabilities = new ArrayList<>();
    while (in.remaining() > 0) {
      if (in.remaining() < (extended ? 3 : 2)) {
        throw new MessageError(Notification.of(Notification.OPEN, 0), "truncated optional parameter");
      }
      int type = in.u8();
      int length = extended ? in.u16() : in.u8();
      if (length > in.remaining()) {
        throw new MessageError(Notification.of(Notification.OPEN, 0),
            "optional parameter overruns the message");
      }
      Cursor param = in.slice(length);
      if (type != 2) {
        throw new MessageError(new Notification(Notification.OPEN, 4, new byte[] {(byte) type}),
            "optional parameter type " + type);
      }
      while (param.remaining() > 0) {
        capabilities.add(decodeCapability(param));
      }
    }
    return new Open(version, myAs, hold, id, capabilities);
  }

  private static Capability decodeCapability(Cursor in) throws MessageError {
    if (in.remaining() < 2) {
      throw new MessageError(Notification.of(Notification.OPEN, 0), "truncated capability");
    }
    int code = in.u8();
    int length = in.u8();
    if (length > in.remaining()) {
      throw new MessageError(Notification.of(Notification.OPEN, 0),
          "capability " + code + " overruns its parameter");
    }
    Cursor value = in.slice(length);
    MessageError malformed = new MessageError(Notification.of(Notification.OPEN, 0),
        "capability " + code + " with length " + length);
    switch (code) {
      case Capability.MULTIPROTOCOL -> {
        if (length != 4) {
          throw malformed;
        }
        int afi = value.u16();
        value.u8();
        return new Capability.Multiprotocol(afi, value.u8());
      }
      case Capability.ROUTE_REFRESH -> {
        if (length != 0) {
          throw malformed;
        }
        return new Capability.RouteRefresh();
      }
      case Capability.FOUR_OCTET_AS -> {
        if (length != 4) {
          throw malformed;
        }
        return new Capability.FourOctetAs(value.u32());
      }
      case Capability.GRACEFUL_RESTART -> {
        if (length < 2 || (length - 2) % 4 != 0) {
          throw malformed;
        }
        int flagsAndTime = value.u16();
        List<Capability.GracefulFamily> families = new ArrayList<>();
        while (value.remaining() > 0) {
          int afi = value.u16();
          int safi = value.u8();
          families.add(new Capability.GracefulFamily(afi, safi, (value.u8() & 0x80) != 0));
        }
        return new Capability.GracefulRestart((flagsAndTime & 0x8000) != 0,
            (flagsAndTime & 0x4000) != 0, flagsAndTime & 0x0fff, families);
      }
      default -> {
        return new Capability.Unknown(code, value.rest());
      }
    }
  }

  private Update decodeUpdate(Cursor in) throws MessageError {
    int withdrawnLength = in.u16();
    if (withdrawnLength + 2 > in.remaining()) {
      throw new MessageError(Notification.of(Notification.UPDATE, 1),
          "withdrawn routes length " + withdrawnLength + " overruns the message");
    }
    List<Cidr> withdrawn = decodePrefixes(in.slice(withdrawnLength), Family.IPV4_UNICAST);
    int attributesLength = in.u16();
    if (attributesLength > in.remaining()) {
      throw new MessageError(Notification.of(Notification.UPDATE, 1),
          "total path attribute length " + attributesLength + " overruns the message");
    }
    Cursor attributesIn = in.slice(attributesLength);
    List<PathAttribute> attributes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    while (attributesIn.remaining() > 0) {
      decodeAttribute(attributesIn, attributes, problems, seen);
    }
    List<Cidr> nlri = decodePrefixes(in, Family.IPV4_UNICAST);
    boolean reach = !nlri.isEmpty() || seen.contains(PathAttribute.MP_REACH_NLRI);
    if (reach) {
      for (int required : List.of(PathAttribute.ORIGIN, PathAttribute.AS_PATH)) {
        if (!seen.contains(required)) {
          problems.add("missing well-known attribute " + required);
        }
      }
      if (!nlri.isEmpty() && !seen.contains(PathAttribute.NEXT_HOP)) {
        problems.add("missing NEXT_HOP for IPv4 NLRI");
      }
    }
    return new Update(withdrawn, attributes, nlri,
        problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
  }

  private void decodeAttribute(Cursor in, List<PathAttribute> out, List<String> problems,
      Set<Integer> seen) throws MessageError {
    int start = in.position();
    if (in.remaining() < 3) {
      throw new MessageError(Notification.of(Notification.UPDATE, 1), "truncated attribute header");
    }
    int flags = in.u8();
    int type = in.u8();
    boolean extended = (flags & PathAttribute.EXTENDED_LENGTH) != 0;
    if (extended && in.remaining() < 2) {
      throw new MessageError(Notification.of(Notification.UPDATE, 1), "truncated attribute header");
    }
    int length = extended ? in.u16() : in.u8();
    if (length > in.remaining()) {
      byte[] data = in.copy(start, in.limit() - start);
      in.skip(in.remaining());
      throw new MessageError(new Notification(Notification.UPDATE, 5, data),
          "attribute " + type + " length " + length + " overruns the attribute list");
    }
    byte[] whole = in.copy(start, in.position() - start + length);
    Cursor value = in.slice(length);
    boolean multiprotocol = type == PathAttribute.MP_REACH_NLRI || type == PathAttribute.MP_UNREACH_NLRI;
    if (!seen.add(type)) {
      if (multiprotocol) {
        throw new MessageError(Notification.of(Notification.UPDATE, 1), "attribute " + type + " repeated");
      }
      return; // RFC 7606 §3 (g): keep the first
    }
    int expectedFlags = switch (type) {
      case PathAttribute.ORIGIN, PathAttribute.AS_PATH, PathAttribute.NEXT_HOP,
          PathAttribute.LOCAL_PREF, PathAttribute.ATOMIC_AGGREGATE -> PathAttribute.TRANSITIVE;
      case PathAttribute.MULTI_EXIT_DISC, PathAttribute.MP_REACH_NLRI,
          PathAttribute.MP_UNREACH_NLRI -> PathAttribute.OPTIONAL;
      case PathAttribute.AGGREGATOR, PathAttribute.COMMUNITIES, PathAttribute.AS4_PATH,
          PathAttribute.LARGE_COMMUNITY -> PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
      default -> -1;
    };
    if (expectedFlags < 0) {
      if ((flags & PathAttribute.OPTIONAL) == 0) {
        throw new MessageError(new Notification(Notification.UPDATE, 2, whole),
            "unrecognized well-known attribute " + type);
      }
      out.add(new PathAttribute.Other(flags, type, value.rest()));
      return;
    }
    if ((flags & (PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE)) != expectedFlags) {
      if (multiprotocol) {
        throw new MessageError(new Notification(Notification.UPDATE, 4, whole),
            "attribute " + type + " flags " + flags);
      }
      problems.add("attribute " + type + " has flags 0x" + Integer.toHexString(flags));
      return;
    }
    try {
      out.add(switch (type) {
        case PathAttribute.ORIGIN -> {
          int origin = value.exactly(1).u8();
          if (origin > 2) {
            throw new Malformed("ORIGIN " + origin);
          }
          yield new PathAttribute.Origin(origin);
        }
        case PathAttribute.AS_PATH -> new PathAttribute.AsPath(segments(value, fourOctetAs));
        case PathAttribute.AS4_PATH -> new PathAttribute.As4Path(segments(value, true));
        case PathAttribute.NEXT_HOP -> new PathAttribute.NextHop(address(value.exactly(4).bytes(4)));
        case PathAttribute.MULTI_EXIT_DISC -> new PathAttribute.MultiExitDisc(value.exactly(4).u32());
        case PathAttribute.LOCAL_PREF -> new PathAttribute.LocalPref(value.exactly(4).u32());
        case PathAttribute.COMMUNITIES -> {
          if (length == 0 || length % 4 != 0) {
            throw new Malformed("COMMUNITIES length " + length);
          }
          List<Long> values = new ArrayList<>();
          while (value.remaining() > 0) {
            values.add(value.u32());
          }
          yield new PathAttribute.Communities(values);
        }
        case PathAttribute.LARGE_COMMUNITY -> {
          if (length == 0 || length % 12 != 0) {
            throw new Malformed("LARGE_COMMUNITY length " + length);
          }
          List<PathAttribute.LargeCommunity> values = new ArrayList<>();
          while (value.remaining() > 0) {
            values.add(new PathAttribute.LargeCommunity(value.u32(), value.u32(), value.u32()));
          }
          yield new PathAttribute.LargeCommunities(values);
        }
        case PathAttribute.MP_REACH_NLRI -> decodeMpReach(value, whole);
        case PathAttribute.MP_UNREACH_NLRI -> decodeMpUnreach(value, whole);
        default -> new PathAttribute.Other(flags, type, value.rest());
      });
    } catch (Malformed e) {
      problems.add(e.getMessage());
    }
  }

  private static PathAttribute decodeMpReach(Cursor value, byte[] whole) throws MessageError {
    MessageError error = new MessageError(new Notification(Notification.UPDATE, 9, whole),
        "malformed MP_REACH_NLRI");
    if (value.remaining() < 5) {
      throw error;
    }
    int afi = value.u16();
    int safi = value.u8();
    int nextHopLength = value.u8();
    if (nextHopLength + 1 > value.remaining()) {
      throw error;
    }
    byte[] nextHop = value.bytes(nextHopLength);
    value.u8(); // reserved
    Optional<Family> family = Family.of(afi, safi);
    if (family.isEmpty()) {
      return new PathAttribute.MpReach(afi, safi, List.of(), List.of());
    }
    int size = family.get().addressLength();
    if (nextHopLength != size && nextHopLength != 2 * size) {
      throw error;
    }
    List<InetAddress> nextHops = new ArrayList<>();
    for (int i = 0; i < nextHopLength; i += size) {
      nextHops.add(address(Arrays.copyOfRange(nextHop, i, i + size)));
    }
    return new PathAttribute.MpReach(afi, safi, nextHops, decodePrefixes(value, family.get(), error));
  }

  private static PathAttribute decodeMpUnreach(Cursor value, byte[] whole) throws MessageError {
    MessageError error = new MessageError(new Notification(Notification.UPDATE, 9, whole),
        "malformed MP_UNREACH_NLRI");
    if (value.remaining() < 3) {
      throw error;
    }
    int afi = value.u16();
    int safi = value.u8();
    Optional<Family> family = Family.of(afi, safi);
    if (family.isEmpty()) {
      return new PathAttribute.MpUnreach(afi, safi, List.of());
    }
    return new PathAttribute.MpUnreach(afi, safi, decodePrefixes(value, family.get(), error));
  }

  private static List<PathAttribute.AsSegment> segments(Cursor in, boolean fourOctets)
      throws Malformed {
    List<PathAttribute.AsSegment> segments = new ArrayList<>();
    int width = fourOctets ? 4 : 2;
    while (in.remaining() > 0) {
      if (in.remaining() < 2) {
        throw new Malformed("AS_PATH segment header truncated");
      }
      int type = in.u8();
      int count = in.u8();
      if (type < 1 || type > 4 || count == 0 || count * width > in.remaining()) {
        throw new Malformed("AS_PATH segment type " + type + " with " + count + " AS numbers");
      }
      List<Long> asns = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        asns.add(fourOctets ? in.u32() : in.u16());
      }
      segments.add(new PathAttribute.AsSegment(type, asns));
    }
    return segments;
  }

  private static List<Cidr> decodePrefixes(Cursor in, Family family) throws MessageError {
    return decodePrefixes(in, family,
        new MessageError(Notification.of(Notification.UPDATE, 10), "malformed prefix"));
  }

  private static List<Cidr> decodePrefixes(Cursor in, Family family, MessageError error)
      throws MessageError {
    List<Cidr> prefixes = new ArrayList<>();
    int maxBits = family.addressLength() * 8;
    while (in.remaining() > 0) {
      int bits = in.u8();
      int octets = (bits + 7) / 8;
      if (bits > maxBits || octets > in.remaining()) {
        throw error;
      }
      byte[] address = new byte[family.addressLength()];
      System.arraycopy(in.bytes(octets), 0, address, 0, octets);
      prefixes.add(new Cidr(address(address), bits));
    }
    return prefixes;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // only for lengths other than 4 and 16
    }
  }

  /** An attribute value RFC 7606 handles with "treat-as-withdraw". */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Bounds-checked reading; reading past the end is a malformed attribute. */
  private static final class Cursor {
    private final byte[] data;
    private int position;
    private final int limit;

    Cursor(byte[] data, int position, int limit) {
      this.data = data;
      this.position = position;
      this.limit = limit;
    }

    int remaining() {
      return limit - position;
    }

    int position() {
      return position;
    }

    int limit() {
      return limit;
    }

    int peek() {
      return data[position] & 0xff;
    }

    Cursor exactly(int length) throws Malformed {
      if (remaining() != length) {
        throw new Malformed("attribute length " + remaining() + ", expected " + length);
      }
      return this;
    }

    Cursor slice(int length) {
      Cursor c = new Cursor(data, position, position + length);
      position += length;
      return c;
    }

    void skip(int length) {
      position += length;
    }

    byte[] copy(int from, int length) {
      return Arrays.copyOfRange(data, from, from + length);
    }

    int u8() {
      check(1);
      return data[position++] & 0xff;
    }

    int u16() {
      check(2);
      int v = Codec.u16(data, position);
      position += 2;
      return v;
    }

    long u32() {
      check(4);
      long v = ((long) Codec.u16(data, position) << 16) | Codec.u16(data, position + 2);
      position += 4;
      return v;
    }

    byte[] bytes(int length) {
      check(length);
      byte[] b = Arrays.copyOfRange(data, position, position + length);
      position += length;
      return b;
    }

    byte[] rest() {
      return bytes(remaining());
    }

    private void check(int length) {
      if (length > remaining()) {
        // Every caller checks lengths first; reaching this is a bug in the codec, not bad input.
        throw new IllegalStateException("read past the end of a BGP field");
      }
    }
  }

  private static int u16(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
  }

  // ---------------------------------------------------------------------------------------------
  // Encoding

  /**
   * Encodes a message, header included.
   *
   * @param message the message
   * @return its octets
   * @throws IllegalArgumentException if it would exceed {@link #MAX_LENGTH}; callers split UPDATEs
   *     with {@link #updateLength}
   */
  public byte[] encode(BgpMessage message) {
    Out body = new Out();
    int type = switch (message) {
      case Open open -> {
        encodeOpen(open, body);
        yield BgpMessage.OPEN;
      }
      case Update update -> {
        encodeUpdate(update, body);
        yield BgpMessage.UPDATE;
      }
      case Notification n -> {
        body.u8(n.code()).u8(n.subcode()).bytes(n.data());
        yield BgpMessage.NOTIFICATION;
      }
      case BgpMessage.Keepalive k -> BgpMessage.KEEPALIVE;
      case BgpMessage.RouteRefresh r -> {
        body.u16(r.afi()).u8(0).u8(r.safi());
        yield BgpMessage.ROUTE_REFRESH;
      }
    };
    int length = HEADER_LENGTH + body.size();
    if (length > MAX_LENGTH) {
      throw new IllegalArgumentException("message of " + length + " octets exceeds " + MAX_LENGTH);
    }
    Out out = new Out();
    for (int i = 0; i < 16; i++) {
      out.u8(0xff);
    }
    out.u16(length).u8(type).bytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void encodeOpen(Open open, Out out) {
    Out capabilities = new Out();
    for (Capability c : open.capabilities()) {
      Out value = new Out();
      int code = switch (c) {
        case Capability.Multiprotocol mp -> {
          value.u16(mp.afi()).u8(0).u8(mp.safi());
          yield Capability.MULTIPROTOCOL;
        }
        case Capability.RouteRefresh rr -> Capability.ROUTE_REFRESH;
        case Capability.FourOctetAs as -> {
          value.u32(as.asn());
          yield Capability.FOUR_OCTET_AS;
        }
        case Capability.GracefulRestart gr -> {
          value.u16((gr.restarting() ? 0x8000 : 0) | (gr.notification() ? 0x4000 : 0)
              | gr.restartTime());
          for (Capability.GracefulFamily f : gr.families()) {
            value.u16(f.afi()).u8(f.safi()).u8(f.forwardingPreserved() ? 0x80 : 0);
          }
          yield Capability.GRACEFUL_RESTART;
        }
        case Capability.Unknown u -> {
          value.bytes(u.value());
          yield u.code();
        }
      };
      capabilities.u8(code).u8(value.size()).bytes(value.toByteArray());
    }
    out.u8(open.version()).u16(open.myAs()).u16(open.holdTime()).u32(open.bgpIdentifier());
    if (capabilities.size() == 0) {
      out.u8(0);
    } else {
      if (capabilities.size() > 253) {
        throw new IllegalArgumentException("capabilities exceed one optional parameter");
      }
      out.u8(capabilities.size() + 2).u8(2).u8(capabilities.size()).bytes(capabilities.toByteArray());
    }
  }

  private void encodeUpdate(Update update, Out out) {
    Out withdrawn = new Out();
    update.withdrawn().forEach(p -> prefix(withdrawn, p));
    Out attributes = new Out();
    for (PathAttribute a : update.attributes()) {
      encodeAttribute(a, attributes);
    }
    out.u16(withdrawn.size()).bytes(withdrawn.toByteArray());
    out.u16(attributes.size()).bytes(attributes.toByteArray());
    update.nlri().forEach(p -> prefix(out, p));
  }

  private void encodeAttribute(PathAttribute attribute, Out out) {
    Out value = new Out();
    int flags;
    int type;
    switch (attribute) {
      case PathAttribute.Origin o -> {
        flags = PathAttribute.TRANSITIVE;
        type = PathAttribute.ORIGIN;
        value.u8(o.value());
      }
      case PathAttribute.AsPath p -> {
        flags = PathAttribute.TRANSITIVE;
        type = PathAttribute.AS_PATH;
        boolean needsAs4 = !fourOctetAs
            && p.segments().stream().flatMap(s -> s.asns().stream()).anyMatch(a -> a > 0xffff);
        writeSegments(value, p.segments(), fourOctetAs);
        if (needsAs4) {
          // RFC 6793 §4.2.2: a 2-octet peer gets AS_TRANS in AS_PATH and the real path in AS4_PATH.
          header(out, PathAttribute.TRANSITIVE, PathAttribute.AS_PATH, value);
          encodeAttribute(new PathAttribute.As4Path(p.segments()), out);
          return;
        }
      }
      case PathAttribute.As4Path p -> {
        flags = PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
        type = PathAttribute.AS4_PATH;
        writeSegments(value, p.segments(), true);
      }
      case PathAttribute.NextHop n -> {
        flags = PathAttribute.TRANSITIVE;
        type = PathAttribute.NEXT_HOP;
        value.bytes(n.address().getAddress());
      }
      case PathAttribute.MultiExitDisc m -> {
        flags = PathAttribute.OPTIONAL;
        type = PathAttribute.MULTI_EXIT_DISC;
        value.u32(m.value());
      }
      case PathAttribute.LocalPref l -> {
        flags = PathAttribute.TRANSITIVE;
        type = PathAttribute.LOCAL_PREF;
        value.u32(l.value());
      }
      case PathAttribute.Communities c -> {
        flags = PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
        type = PathAttribute.COMMUNITIES;
        c.values().forEach(value::u32);
      }
      case PathAttribute.LargeCommunities c -> {
        flags = PathAttribute.OPTIONAL | PathAttribute.TRANSITIVE;
        type = PathAttribute.LARGE_COMMUNITY;
        c.values().forEach(v -> value.u32(v.global()).u32(v.local1()).u32(v.local2()));
      }
      case PathAttribute.MpReach r -> {
        flags = PathAttribute.OPTIONAL;
        type = PathAttribute.MP_REACH_NLRI;
        int nextHopLength = r.nextHops().stream().mapToInt(a -> a.getAddress().length).sum();
        value.u16(r.afi()).u8(r.safi()).u8(nextHopLength);
        r.nextHops().forEach(a -> value.bytes(a.getAddress()));
        value.u8(0);
        r.nlri().forEach(p -> prefix(value, p));
      }
      case PathAttribute.MpUnreach u -> {
        flags = PathAttribute.OPTIONAL;
        type = PathAttribute.MP_UNREACH_NLRI;
        value.u16(u.afi()).u8(u.safi());
        u.withdrawn().forEach(p -> prefix(value, p));
      }
      case PathAttribute.Other o -> {
        flags = o.flags() & ~PathAttribute.EXTENDED_LENGTH;
        type = o.type();
        value.bytes(o.value());
      }
    }
    header(out, flags, type, value);
  }

  private static void header(Out out, int flags, int type, Out value) {
    if (value.size() > 255) {
      out.u8(flags | PathAttribute.EXTENDED_LENGTH).u8(type).u16(value.size());
    } else {
      out.u8(flags).u8(type).u8(value.size());
    }
    out.bytes(value.toByteArray());
  }

  private static void writeSegments(Out out, List<PathAttribute.AsSegment> segments, boolean wide) {
    for (PathAttribute.AsSegment s : segments) {
      out.u8(s.type()).u8(s.asns().size());
      for (long asn : s.asns()) {
        if (wide) {
          out.u32(asn);
        } else {
          out.u16(asn > 0xffff ? Open.AS_TRANS : (int) asn);
        }
      }
    }
  }

  private static void prefix(Out out, Cidr prefix) {
    int octets = (prefix.prefixLength() + 7) / 8;
    out.u8(prefix.prefixLength()).bytes(Arrays.copyOf(prefix.address().getAddress(), octets));
  }

  /**
   * Octets a prefix takes in NLRI or withdrawn routes.
   *
   * @param prefix the prefix
   * @return 1 + its address octets
   */
  public static int prefixLength(Cidr prefix) {
    return 1 + (prefix.prefixLength() + 7) / 8;
  }

  /**
   * The encoded length of an UPDATE, for packing prefixes under {@link #MAX_LENGTH}.
   *
   * @param update the message
   * @return its octets, header included
   */
  public int updateLength(Update update) {
    Out body = new Out();
    encodeUpdate(update, body);
    return HEADER_LENGTH + body.size();
  }

  /** A growable big-endian buffer. */
  private static final class Out {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);

    Out u8(int v) {
      bytes.write(v);
      return this;
    }

    Out u16(int v) {
      bytes.write(v >>> 8);
      bytes.write(v);
      return this;
    }

    Out u32(long v) {
      u16((int) (v >>> 16) & 0xffff);
      return u16((int) v & 0xffff);
    }

    Out bytes(byte[] b) {
      bytes.writeBytes(b);
      return this;
    }

    int size() {
      return bytes.size();
    }

    byte[] toByteArray() {
      return bytes.toByteArray();
    }
  }
}
