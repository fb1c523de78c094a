package dev.rnn4j.data;

import dev.rnn4j.io.FileFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protocol-buffers wire format (varints, 32- and 64-bit fixed values,
 * length-delimited fields), enough to read a SentencePiece {@code .model} file. Errors name the
 * file and the byte offset.
 *
 * <p>Not thread-safe: it keeps a read position.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] bytes;
  private final int end;
  private final String name;
  private int pos;

  /** A reader of {@code bytes[from, end)}; {@code name} labels errors. */
  ProtoReader(byte[] bytes, int from, int end, String name) {
    this.bytes = bytes;
    this.pos = from;
    this.end = end;
    this.name = name;
  }

  boolean hasMore() {
    return pos < end;
  }

  /** The next field's key: field number {@code key >>> 3}, wire type {@code key & 7}. */
  int key() throws FileFormatException {
    long k = varint();
    if (k >>> 3 == 0 || k > Integer.MAX_VALUE) {
      throw error("field key " + k);
    }
    return (int) k;
  }

  long varint() throws FileFormatException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw error("a varint runs past the end");
      }
      byte b = bytes[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw error("a varint longer than 10 bytes");
  }

  float fixed32Float() throws FileFormatException {
    need(4);
    int v =
        (bytes[pos] & 0xFF)
            | (bytes[pos + 1] & 0xFF) << 8
            | (bytes[pos + 2] & 0xFF) << 16
            | (bytes[pos + 3] & 0xFF) << 24;
    pos += 4;
    return Float.intBitsToFloat(v);
  }

  /** The body of a length-delimited field as a reader of its own. */
  ProtoReader message() throws FileFormatException {
    int len = length();
    ProtoReader r = new ProtoReader(bytes, pos, pos + len, name);
    pos += len;
    return r;
  }

  /** A length-delimited field as strict UTF-8. */
  String string() throws FileFormatException {
    int len = length();
    int at = pos;
    pos += len;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, at, len))
          .toString();
    } catch (CharacterCodingException e) {
      pos = at;
      throw error("a string that is not valid UTF-8");
    }
  }

  /** Skips the value of a field of wire type {@code wireType}. */
  void skip(int wireType) throws FileFormatException {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LENGTH_DELIMITED -> {
        int len = length();
        pos += len;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw error("wire type " + wireType + " (groups are not supported)");
    }
  }

  private int length() throws FileFormatException {
    long len = varint();
    if (len < 0 || len > end - pos) {
      throw error("a length of " + len + " bytes with " + (end - pos) + " left");
    }
    return (int) len;
  }

  private void need(int n) throws FileFormatException {
    if (end - pos < n) {
      throw error("a " + n + "-byte value with " + (end - pos) + " bytes left");
    }
  }

  FileFormatException error(String what) {
    return new FileFormatException(
        name, "protobuf: " + what + " at byte " + pos + "; not a SentencePiece model or damaged");
  }
}
