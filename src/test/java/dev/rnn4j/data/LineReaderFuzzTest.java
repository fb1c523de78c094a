package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Fuzz;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated text for {@code translate}'s input reader, {@link LineReader}, with limits of 1 to 64
 * bytes: every line is checked against an independent split of the bytes (number, offset, length,
 * text or the offset of the malformed byte); the reader never throws.
 */
class LineReaderFuzzTest {
  private static final Fuzz.Stats STATS = new Fuzz.Stats("lines");

  @Test
  void linesMatchAnIndependentSplit() {
    java.util.Random r = new java.util.Random(4027);
    Fuzz.Source texts = Fuzz.inputs("lines");
    for (int i = 0; i < 10_000; i++) {
      byte[] text = texts.draw(r);
      int maxLineBytes = 1 + r.nextInt(64);
      Fuzz.check(STATS, text, b -> checkLines(b, maxLineBytes));
    }
  }

  /** Lines of {@code b}: one per {@code \n}, plus a last one without line end if non-empty. */
  static long countLines(byte[] b) {
    long n = 0;
    for (byte x : b) {
      n += x == '\n' ? 1 : 0;
    }
    return n + (b.length > 0 && b[b.length - 1] != '\n' ? 1 : 0);
  }

  private static void checkLines(byte[] b, int max) throws Exception {
    LineReader r = new LineReader(new ByteArrayInputStream(b), max);
    int start = 0;
    long number = 0;
    while (start < b.length) {
      int nl = start;
      while (nl < b.length && b[nl] != '\n') {
        nl++;
      }
      byte[] seg = Arrays.copyOfRange(b, start, nl);
      LineReader.Line line = r.next();
      number++;
      String where = "line " + number;
      assertEquals(number, line.number(), where);
      assertEquals(start, line.offset(), where);
      int off = number == 1 && Math.min(seg.length, max + 1) >= 3 && bom(seg) ? 3 : 0;
      boolean cr = seg.length > off && seg.length <= max + 1 && seg[seg.length - 1] == '\r';
      long length = seg.length - (cr ? 1 : 0);
      assertEquals(length, line.length(), where);
      assertEquals(length > max, line.tooLong(), where);
      if (!line.tooLong()) {
        byte[] content = Arrays.copyOfRange(seg, off, (int) length);
        int bad = firstMalformed(content);
        if (bad < 0) {
          assertEquals(new String(content, StandardCharsets.UTF_8), line.text(), where);
          assertEquals(-1, line.malformedAt(), where);
        } else {
          assertNull(line.text(), where);
          assertEquals(start + off + bad, line.malformedAt(), where);
        }
      } else if (line.text() != null) {
        byte[] kept = line.text().getBytes(StandardCharsets.UTF_8);
        assertTrue(kept.length <= max, where + ": kept " + kept.length + " bytes");
        assertTrue(
            Arrays.equals(kept, Arrays.copyOfRange(seg, off, off + kept.length)),
            where + ": the kept text is not the start of the line");
      } else {
        assertTrue(line.malformedAt() >= start && line.malformedAt() < start + off + max, where);
      }
      start = nl + 1;
    }
    assertNull(r.next(), "no line after the last");
    assertEquals(countLines(b), number);
  }

  private static boolean bom(byte[] s) {
    return s[0] == (byte) 0xEF && s[1] == (byte) 0xBB && s[2] == (byte) 0xBF;
  }

  /** Offset of the first malformed byte by the JDK's strict decoder, -1 if none. */
  private static int firstMalformed(byte[] s) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(s);
    CoderResult res = d.decode(in, CharBuffer.allocate(s.length + 1), true);
    return res.isError() ? in.position() : -1;
  }

  @AfterAll
  static void summary() {
    System.out.println(STATS.summary());
  }
}
