package dev.fairlead.lb.baremetal.speaker.membership;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.jgroups.Header;

/**
 * What a sealed membership message carries in the clear: which key sealed it, the sender's session
 * salt and the message counter. All three are authenticated (they are the AES-GCM associated data)
 * and together make the nonce unique.
 */
public final class SealHeader extends Header {
  /** The salt length. */
  static final int SALT_BYTES = 16;

  /** The header's serialized size. */
  static final int SIZE = Integer.BYTES + SALT_BYTES + Long.BYTES;

  /** The JGroups magic number of this header (custom numbers start at 1024). */
  static final short MAGIC = 1712;

  int keyId;
  byte[] salt = new byte[SALT_BYTES];
  long counter;

  /** For deserialization. */
  public SealHeader() {}

  SealHeader(int keyId, byte[] salt, long counter) {
    this.keyId = keyId;
    this.salt = salt;
    this.counter = counter;
  }

  /** The associated data authenticated with the payload. */
  byte[] associatedData() {
    return ByteBuffer.allocate(SIZE).putInt(keyId).put(salt).putLong(counter).array();
  }

  @Override
  public short getMagicId() {
    return MAGIC;
  }

  @Override
  public Supplier<? extends Header> create() {
    return SealHeader::new;
  }

  @Override
  public int serializedSize() {
    return SIZE;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(keyId);
    out.write(salt);
    out.writeLong(counter);
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    keyId = in.readInt();
    salt = new byte[SALT_BYTES];
    in.readFully(salt);
    counter = in.readLong();
  }

  @Override
  public String toString() {
    return "key=" + Integer.toHexString(keyId) + " n=" + counter;
  }
}
