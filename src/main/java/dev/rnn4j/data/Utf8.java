package dev.rnn4j.data;

import dev.rnn4j.io.FileFormatException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict UTF-8 decoding: malformed bytes are reported with their offset instead of being replaced
 * by U+FFFD. An instance reuses its decoder and is not thread-safe.
 */
public final class Utf8 {
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private CharBuffer out = CharBuffer.allocate(256);
  private int errorOffset = -1;

  /** The byte-order mark some Windows editors put at the start of UTF-8 files. */
  static final String BOM = "\uFEFF";

  /** The text of {@code bytes[off, off+len)}, or null if it is not valid UTF-8. */
  String decode(byte[] bytes, int off, int len) {
    ByteBuffer in = ByteBuffer.wrap(bytes, off, len);
    if (out.capacity() < len) {
      out = CharBuffer.allocate(Math.max(len, 2 * out.capacity()));
    }
    out.clear();
    decoder.reset();
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      errorOffset = in.position() - off;
      return null;
    }
    errorOffset = -1;
    return out.flip().toString();
  }

  /** Offset, from the start of the last decoded range, of its first malformed byte; -1 if none. */
  int errorOffset() {
    return errorOffset;
  }

  /**
   * The text of a file's bytes as strict UTF-8, without a leading byte-order mark; {@code name}
   * labels the error, which names the byte offset and line of the first malformed byte.
   */
  public static String decodeFile(byte[] bytes, String name) throws FileFormatException {
    Utf8 utf8 = new Utf8();
    String text = utf8.decode(bytes, 0, bytes.length);
    if (text == null) {
      int at = utf8.errorOffset();
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new FileFormatException(
          name, "not valid UTF-8 at byte " + at + " (line " + line + "); is it a text file?");
    }
    return text.startsWith(BOM) ? text.substring(1) : text;
  }

  /**
   * The lines of a text file: split at {@code \n}, each without one trailing {@code \r} (so files
   * with Windows line ends read the same), and without the empty string after a final line end.
   */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      int cut = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      out.add(text.substring(start, cut));
      start = nl < 0 ? text.length() : nl + 1;
    }
    return out;
  }
}
