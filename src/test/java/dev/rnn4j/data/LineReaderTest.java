package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line splitting, line-end and byte-order-mark handling, limits and malformed UTF-8 offsets. */
class LineReaderTest {
  private static List<LineReader.Line> read(byte[] bytes, int maxLineBytes) throws IOException {
    LineReader r = new LineReader(new ByteArrayInputStream(bytes), maxLineBytes);
    List<LineReader.Line> out = new ArrayList<>();
    for (LineReader.Line l; (l = r.next()) != null; ) {
      out.add(l);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void splitsAtLineFeedsRemovingCarriageReturnsAndTheByteOrderMark() throws IOException {
    List<LineReader.Line> lines = read(utf8("\uFEFFa b\r\n\nc\rd\nlast"), 100);
    assertEquals(4, lines.size());
    assertEquals(List.of("a b", "", "c\rd", "last"), lines.stream().map(l -> l.text()).toList());
    assertEquals(List.of(0L, 8L, 9L, 13L), lines.stream().map(l -> l.offset()).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L), lines.stream().map(l -> l.number()).toList());
    assertTrue(read(new byte[0], 10).isEmpty());
    assertEquals(1, read(utf8("\n"), 10).size());
  }

  @Test
  void aByteOrderMarkOnlyCountsAtTheStart() throws IOException {
    assertEquals("\uFEFFx", read(utf8("a\n\uFEFFx\n"), 100).get(1).text());
  }

  @Test
  void malformedUtf8NamesTheStreamOffsetOfTheBadByte() throws IOException {
    byte[] bytes = {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', 'n', 'e', 'x', 't', '\n'};
    List<LineReader.Line> lines = read(bytes, 100);
    assertEquals(3, lines.size());
    assertNull(lines.get(1).text());
    assertEquals(6, lines.get(1).malformedAt());
    assertEquals(3, lines.get(1).offset());
    assertEquals("next", lines.get(2).text());
    assertEquals(-1, lines.get(2).malformedAt());
  }

  @Test
  void anOverlongLineKeepsWholeCharactersOfItsPrefixAndTheNextLineIsIntact() throws IOException {
    // "é" is two bytes: a limit of 6 cuts "aéé|é" inside the third é, which is dropped.
    List<LineReader.Line> lines = read(utf8("aééé\nok\n"), 6);
    assertTrue(lines.get(0).tooLong());
    assertEquals(7, lines.get(0).length());
    assertEquals("aéé", lines.get(0).text());
    assertFalse(lines.get(1).tooLong());
    assertEquals("ok", lines.get(1).text());
    assertEquals(8, lines.get(1).offset());
  }

  @Test
  void aLineOfExactlyTheLimitIsNotTooLongWithOrWithoutCarriageReturn() throws IOException {
    List<LineReader.Line> lines = read(utf8("abcd\r\nabcd\nabcde\n"), 4);
    assertFalse(lines.get(0).tooLong());
    assertEquals("abcd", lines.get(0).text());
    assertFalse(lines.get(1).tooLong());
    assertTrue(lines.get(2).tooLong());
  }

  /** Fuzz finding: a limit shorter than the byte-order mark cut the text at a negative length. */
  @Test
  void aLimitShorterThanTheByteOrderMarkLeavesAnEmptyPrefix() throws IOException {
    LineReader.Line l = read(utf8("\uFEFFabc\n"), 2).get(0);
    assertTrue(l.tooLong());
    assertEquals("", l.text());
    assertEquals(6, l.length());
  }

  /** 256 MB without a line end: counted, not stored; the reader allocates well under 1 MB. */
  @Test
  void aHugeLineWithoutLineEndUsesBoundedMemory() throws IOException {
    long size = 256L << 20;
    InputStream endless =
        new InputStream() {
          long left = size;

          @Override
          public int read() {
            return left-- > 0 ? 'x' : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            left -= n;
            return n;
          }
        };
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = mx.getCurrentThreadAllocatedBytes();
    LineReader r = new LineReader(endless, 1000);
    LineReader.Line l = r.next();
    long allocated = mx.getCurrentThreadAllocatedBytes() - before;
    assertTrue(l.tooLong());
    assertEquals(size, l.length());
    assertEquals(1000, l.text().length());
    assertNull(r.next());
    assertTrue(allocated < (1 << 20), "allocated " + allocated + " bytes");
  }
}
