package dev.rnn4j.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads UTF-8 text line by line with bounded memory, whatever the input: a line longer than the
 * byte limit keeps only its first {@code maxLineBytes} bytes and the rest is counted and skipped
 * unread into memory, so a 1 GB line without a line end costs no more than the limit. Each {@link
 * Line} says its number, where it starts in the stream, its full length and, if it is not valid
 * UTF-8, the stream offset of the first malformed byte.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it and a UTF-8 byte-order mark at the start of
 * the stream are removed. A last line without a line end is a line.
 *
 * <p>Memory: one block buffer and one line buffer of at most {@code maxLineBytes} bytes. Not
 * thread-safe. The reader does not close its stream.
 */
public final class LineReader {
  private static final int BLOCK = 1 << 14;

  /**
   * One line.
   *
   * @param number 1-based line number
   * @param offset byte offset in the stream of the line's first byte
   * @param length bytes of the line without its line end (the full length, also past the limit)
   * @param text the line, or its first {@code maxLineBytes} bytes cut after the last whole
   *     character if {@link #tooLong}; null if those bytes are not valid UTF-8
   * @param malformedAt byte offset in the stream of the first malformed UTF-8 byte, -1 if none
   * @param tooLong whether the line has more than {@code maxLineBytes} bytes
   */
  public record Line(
      long number, long offset, long length, String text, long malformedAt, boolean tooLong) {}

  private final InputStream in;
  private final int maxLineBytes;
  private final Utf8 utf8 = new Utf8();
  private final byte[] block = new byte[BLOCK];
  private int pos;
  private int end;
  private boolean eof;
  private byte[] line = new byte[256];
  private long lineNo;
  private long streamPos;

  /**
   * A reader of {@code in}.
   *
   * @param maxLineBytes bytes of a line kept in memory (>= 1); longer lines are reported {@link
   *     Line#tooLong}
   */
  public LineReader(InputStream in, int maxLineBytes) {
    if (in == null) {
      throw new IllegalArgumentException("input stream is null");
    }
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Whether {@link #next} can return without waiting for more input: a whole line is buffered, or
   * the stream has bytes available (or has ended). Lets a filter translate what it has before
   * blocking on a slow producer.
   */
  public boolean ready() throws IOException {
    if (eof) {
      return true;
    }
    for (int i = pos; i < end; i++) {
      if (block[i] == '\n') {
        return true;
      }
    }
    return in.available() > 0;
  }

  /** The next line, or null at the end of the stream. */
  public Line next() throws IOException {
    long start = streamPos;
    long length = 0;
    int kept = 0;
    while (true) {
      if (pos == end) {
        if (eof || !fill()) {
          if (length == 0) {
            return null;
          }
          return line(start, length, kept);
        }
      }
      int nl = -1;
      for (int i = pos; i < end; i++) {
        if (block[i] == '\n') {
          nl = i;
          break;
        }
      }
      int stop = nl < 0 ? end : nl;
      int piece = stop - pos;
      int keep = (int) Math.min(piece, Math.max(0, (long) maxLineBytes + 1 - kept));
      if (keep > 0) {
        ensure(kept + keep);
        System.arraycopy(block, pos, line, kept, keep);
        kept += keep;
      }
      length += piece;
      streamPos += piece;
      pos = stop;
      if (nl >= 0) {
        pos++;
        streamPos++;
        return line(start, length, kept);
      }
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(block, 0, block.length);
    if (n <= 0) {
      // read returns 0 only for a zero-length request; treat anything but data as the end.
      eof = true;
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }

  private void ensure(int size) {
    if (size > line.length) {
      byte[] bigger =
          new byte[(int) Math.min((long) maxLineBytes + 1, Math.max(size, 2L * line.length))];
      System.arraycopy(line, 0, bigger, 0, line.length);
      line = bigger;
    }
  }

  /** {@code kept} bytes are in {@code line}: up to maxLineBytes + 1, so a trailing \r is seen. */
  private Line line(long start, long length, int kept) {
    lineNo++;
    int off = 0;
    if (lineNo == 1
        && kept >= 3
        && line[0] == (byte) 0xEF
        && line[1] == (byte) 0xBB
        && line[2] == (byte) 0xBF) {
      off = 3;
    }
    int stop = kept;
    if (stop > off && line[stop - 1] == '\r' && length == kept) {
      stop--;
      length--;
    }
    boolean tooLong = length > maxLineBytes;
    if (tooLong) {
      // The limit counts a byte-order mark, which may leave nothing of the line's text.
      stop = wholeCharacters(line, off, Math.max(off, Math.min(stop, maxLineBytes)));
    }
    String text = utf8.decode(line, off, stop - off);
    long malformedAt = text == null ? start + off + utf8.errorOffset() : -1;
    return new Line(lineNo, start, length, text, malformedAt, tooLong);
  }

  /**
   * The end of the last whole UTF-8 character in {@code b[from, to)}: a cut sequence is dropped.
   */
  private static int wholeCharacters(byte[] b, int from, int to) {
    int lead = to - 1;
    while (lead >= from && lead > to - 4 && (b[lead] & 0xC0) == 0x80) {
      lead--;
    }
    if (lead < from) {
      return to;
    }
    int v = b[lead] & 0xFF;
    int need = v < 0x80 ? 1 : v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
    return lead + need > to ? lead : to;
  }
}
