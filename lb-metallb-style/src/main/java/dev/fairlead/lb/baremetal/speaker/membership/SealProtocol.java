package dev.fairlead.lb.baremetal.speaker.membership;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;

/**
 * Seals every membership message with AES-256-GCM, directly above the transport, so discovery,
 * joins, views, heartbeats, suspicions and merges are all encrypted and authenticated, headers
 * included; a process without an accepted key can neither read nor inject any of them.
 *
 * <p>Why not JGroups' own {@code SYM_ENCRYPT}: it leaves messages without a payload (joins,
 * heartbeats, suspicions are headers only) unencrypted and unauthenticated, uses ECB unless told
 * otherwise, offers no authenticated mode, and holds one key at a time. This protocol serializes the
 * whole message (as JGroups' {@code SERIALIZE} does) and seals it:
 *
 * <ul>
 *   <li>key: per sender session, {@code HMAC-SHA256(master, label || salt)} with a random 16-byte
 *       salt per channel start, so one key never seals more than one sender's messages;
 *   <li>nonce: the session's message counter (unique per session key, no random nonce limit);
 *   <li>associated data: key id, salt and counter (the clear-text header);
 *   <li>replay: a 64-message sliding window per sender session drops a counter seen before;
 *   <li>the sender inside the seal must be the sender on the wire.
 * </ul>
 *
 * <p>Without a keyring (insecure mode) messages pass unchanged, and sealed ones from peers are
 * refused, so a speaker without a key learns that it is the odd one out.
 */
public final class SealProtocol extends Protocol {
  /** JGroups protocol id (custom ids start at 512). */
  static final short PROTOCOL_ID = 712;
  private static final int TAG_BITS = 128;
  private static final int MAX_SESSIONS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    register();
  }

  private final byte[] salt = new byte[SealHeader.SALT_BYTES];
  private final AtomicLong counter = new AtomicLong();
  private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > MAX_SESSIONS;
    }
  };
  /** The keys and this session's derived send key, replaced together on rekey. */
  private record Keys(Keyring ring, byte[] sendSessionKey) {}

  private volatile Keys keys;
  private final Consumer<Refusal> refusals;

  /** Registers the protocol id and header with JGroups; idempotent. */
  static synchronized void register() {
    if (ClassConfigurator.getProtocolId(SealProtocol.class) == 0) {
      ClassConfigurator.addProtocol(PROTOCOL_ID, SealProtocol.class);
    }
    ClassConfigurator.addIfAbsent(SealHeader.MAGIC, SealHeader.class);
  }

  /** For JGroups' reflection only; not used. */
  public SealProtocol() {
    this(null, refusal -> {});
  }

  /**
   * A seal with the given keys.
   *
   * @param keyring the keys, or null for insecure mode
   * @param refusals told about every refused message (on a JGroups thread; keep it short)
   */
  public SealProtocol(Keyring keyring, Consumer<Refusal> refusals) {
    RANDOM.nextBytes(salt);
    this.keys = keyring == null ? null : new Keys(keyring, keyring.send().sessionKey(salt));
    this.refusals = Objects.requireNonNull(refusals);
  }

  /**
   * Switches keys at run time (rotation). Sessions of keys no longer accepted are forgotten.
   *
   * @param next the new keys; must be non-null when the protocol was created with keys
   */
  public void rekey(Keyring next) {
    keys = new Keys(Objects.requireNonNull(next), next.send().sessionKey(salt));
    synchronized (sessions) {
      sessions.values().removeIf(s -> next.find(s.keyId).isEmpty());
    }
  }

  @Override
  public Object down(Message msg) {
    Keys current = keys;
    if (current == null) {
      return down_prot.down(msg);
    }
    try {
      return down_prot.down(seal(current.ring().send(), current.sendSessionKey(), msg));
    } catch (Exception e) {
      log.warn("%s: could not seal a message to %s: %s", local_addr, msg.dest(), e);
      return null;
    }
  }

  private Message seal(MembershipKey key, byte[] sessionKey, Message msg) throws Exception {
    if (msg.getSrc() == null) {
      msg.setSrc(local_addr);
    }
    ByteArray plain = Util.messageToBuffer(msg);
    SealHeader header = new SealHeader(key.id(), salt, counter.incrementAndGet());
    Cipher cipher = cipher(Cipher.ENCRYPT_MODE, sessionKey, header);
    byte[] sealed = cipher.doFinal(plain.array(), plain.offset(), plain.length());
    Message outer = new BytesMessage(msg.dest(), sealed).setSrc(msg.getSrc())
        .setFlag(msg.getFlags(false), false)
        .setFlag(msg.getFlags(true), true);
    return outer.putHeader(id, header);
  }

  @Override
  public Object up(Message msg) {
    Message opened = open(msg);
    return opened == null ? null : up_prot.up(opened);
  }

  @Override
  public void up(MessageBatch batch) {
    for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
      Message opened = open(it.next());
      if (opened == null) {
        it.remove();
      } else {
        ((FastArray<Message>.FastIterator) it).replace(opened);
      }
    }
    if (!batch.isEmpty()) {
      up_prot.up(batch);
    }
  }

  /** The inner message, or null when refused. */
  private Message open(Message msg) {
    SealHeader header = msg.getHeader(id);
    Keys current = keys;
    Keyring ring = current == null ? null : current.ring();
    if (ring == null) {
      if (header != null) {
        return refuse(msg, Refusal.Reason.SEALED_BUT_NO_KEY);
      }
      return msg;
    }
    if (header == null) {
      return refuse(msg, Refusal.Reason.NOT_SEALED);
    }
    MembershipKey key = ring.find(header.keyId).orElse(null);
    if (key == null) {
      return refuse(msg, Refusal.Reason.UNKNOWN_KEY);
    }
    String sessionId = Integer.toHexString(header.keyId) + HexFormat.of().formatHex(header.salt);
    Session session;
    synchronized (sessions) {
      session = sessions.get(sessionId);
    }
    byte[] sessionKey = session != null ? session.key : key.sessionKey(header.salt);
    Message inner;
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, sessionKey, header);
      byte[] plain = cipher.doFinal(msg.getArray(), msg.getOffset(), msg.getLength());
      inner = Util.messageFromBuffer(plain, 0, plain.length);
    } catch (AEADBadTagException e) {
      return refuse(msg, Refusal.Reason.FORGED);
    } catch (Exception e) {
      // Authentic bytes that do not form a message, or a header on a message without bytes:
      // reported (rate-limited) by the listener like any other refusal.
      log.debug("%s: cannot open a sealed message from %s: %s", local_addr, msg.getSrc(), e);
      return refuse(msg, Refusal.Reason.FORGED);
    }
    if (msg.getSrc() != null && !msg.getSrc().equals(inner.getSrc())) {
      return refuse(msg, Refusal.Reason.FORGED);
    }
    if (session == null) {
      session = new Session(header.keyId, sessionKey);
      synchronized (sessions) {
        Session raced = sessions.putIfAbsent(sessionId, session);
        session = raced != null ? raced : session;
      }
    }
    boolean own = Arrays.equals(header.salt, salt);
    if (!own && !session.window.accept(header.counter)) {
      return refuse(msg, Refusal.Reason.REPLAYED);
    }
    return inner;
  }

  private Message refuse(Message msg, Refusal.Reason reason) {
    refusals.accept(new Refusal(peerName(msg.getSrc()), reason));
    return null;
  }

  private static String peerName(Address address) {
    if (address == null) {
      return "unknown";
    }
    return JGroupsMembership.nodeOf(address).orElse(address.toString());
  }

  private static Cipher cipher(int mode, byte[] sessionKey, SealHeader header)
      throws GeneralSecurityException {
    byte[] nonce = new byte[12];
    long n = header.counter;
    for (int i = 11; i >= 4; i--) {
      nonce[i] = (byte) n;
      n >>>= 8;
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(sessionKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(header.associatedData());
    return cipher;
  }

  /** A sender session this speaker has authenticated at least one message of. */
  private static final class Session {
    final int keyId;
    final byte[] key;
    final ReplayWindow window = new ReplayWindow();

    Session(int keyId, byte[] key) {
      this.keyId = keyId;
      this.key = key;
    }
  }
}
