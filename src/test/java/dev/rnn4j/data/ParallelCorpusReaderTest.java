package dev.rnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rnn4j.data.CorpusReport.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelCorpusReaderTest {
  @TempDir Path dir;

  private static final Tokenizer WORDS = new WhitespaceTokenizer();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static CorpusReport read(ParallelCorpusReader r, byte[] bytes, List<SentencePair> out)
      throws IOException {
    return r.read(new ByteArrayInputStream(bytes), "test.tsv", out::add);
  }

  @Test
  void eachSideIsMeasuredInItsOwnUnits() throws IOException {
    // Characters on the source side, words on the target side, at most 6 of each: "catalog"
    // (7 characters) and the 7-word target of "ox" are too long; "dogs" with its 8-character,
    // 4-word target is not.
    ParallelCorpusReader reader =
        new ParallelCorpusReader(6, String::length, t -> WORDS.tokenize(t).size(), 1000, 10);
    List<SentencePair> got = new ArrayList<>();
    CorpusReport report =
        read(reader, utf8("catalog\tK AE T\ndogs\tD AO G Z\nox\tAA K S AH B C D\n"), got);
    assertEquals(List.of(new SentencePair(2, "dogs", "D AO G Z")), got);
    assertEquals(List.of(1L, 3L), report.firstLines(Reason.TOO_LONG));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ParallelCorpusReader(5, String::length, null, 10, 10));
  }

  @Test
  void acceptsGoodLinesAndReportsEveryBadOneByLineAndReason() throws IOException {
    byte[] file =
        concat(
            utf8("\uFEFFc a t\tK AE T\n"), // 1 BOM removed
            utf8("d o g\tD AO G\r\n"), // 2 CRLF
            utf8("no tab here\n"), // 3
            utf8("a\tb\tc\n"), // 4
            utf8(" \tX\n"), // 5 blank source
            utf8("x\t \n"), // 6 blank target
            utf8("\n"), // 7
            utf8("   \n"), // 8 only spaces
            utf8("caf"),
            new byte[] {(byte) 0xE9}, // 9 Latin-1 é
            utf8("\tK AE F\n"),
            utf8("a b c d e f\tA\n"), // 10: 6 tokens > 5
            utf8("A\ta b c d e f\n"), // 11
            utf8("q u\tK W\n"), // 12
            utf8("é\tEY")); // 13, no final newline
    ParallelCorpusReader reader = ParallelCorpusReader.of(5, WORDS);
    List<SentencePair> got = new ArrayList<>();
    CorpusReport report = read(reader, file, got);

    assertEquals(
        List.of(
            new SentencePair(1, "c a t", "K AE T"),
            new SentencePair(2, "d o g", "D AO G"),
            new SentencePair(12, "q u", "K W"),
            new SentencePair(13, "é", "EY")),
        got);
    assertEquals(13, report.lines());
    assertEquals(4, report.accepted());
    assertEquals(9, report.rejected());
    assertEquals(List.of(3L), report.firstLines(Reason.NO_TAB));
    assertEquals(List.of(4L), report.firstLines(Reason.EXTRA_TAB));
    assertEquals(List.of(5L), report.firstLines(Reason.EMPTY_SOURCE));
    assertEquals(List.of(6L), report.firstLines(Reason.EMPTY_TARGET));
    assertEquals(List.of(7L, 8L), report.firstLines(Reason.EMPTY_LINE));
    assertEquals(List.of(9L), report.firstLines(Reason.INVALID_UTF8));
    assertEquals(List.of(10L, 11L), report.firstLines(Reason.TOO_LONG));
    assertEquals(2, report.count(Reason.TOO_LONG));
    assertEquals(0, report.count(Reason.LINE_TOO_LONG));
    assertEquals(
        "test.tsv: 13 lines, 4 accepted, 9 rejected\n"
            + "  empty line: 2 (lines 7, 8)\n"
            + "  no tab: 1 (line 3)\n"
            + "  more than one tab: 1 (line 4)\n"
            + "  empty source: 1 (line 5)\n"
            + "  empty target: 1 (line 6)\n"
            + "  invalid UTF-8: 1 (line 9)\n"
            + "  side over the maximum length: 2 (lines 10, 11)",
        report.summary());
  }

  @Test
  void invalidUtf8VariantsAreAllCaught() throws IOException {
    byte[][] bad = {
      {(byte) 0xC3, '\t', 'x'}, // truncated 2-byte sequence
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80, '\t', 'x'}, // encoded surrogate
      {(byte) 0xC0, (byte) 0xAF, '\t', 'x'}, // overlong '/'
      {'a', '\t', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {'a', '\t', (byte) 0x80}, // lone continuation byte
    };
    for (byte[] line : bad) {
      List<SentencePair> got = new ArrayList<>();
      CorpusReport r =
          read(ParallelCorpusReader.of(10, WORDS), concat(line, utf8("\nok\tOK\n")), got);
      assertEquals(1, r.count(Reason.INVALID_UTF8), new String(line, StandardCharsets.ISO_8859_1));
      assertEquals(List.of(new SentencePair(2, "ok", "OK")), got);
    }
  }

  @Test
  void overlongLinesAreSkippedWithoutLosingTheNextLine() throws IOException {
    ParallelCorpusReader reader = new ParallelCorpusReader(1000, String::length, 100, 10);
    String huge = "x".repeat(200_000) + "\ty"; // spans several 64 KiB blocks
    byte[] file =
        utf8("a\tb\n" + huge + "\nc\td\n" + "e".repeat(99) + "\n" + "f".repeat(50) + "\tg");
    List<SentencePair> got = new ArrayList<>();
    CorpusReport report = read(reader, file, got);
    assertEquals(
        List.of(
            new SentencePair(1, "a", "b"),
            new SentencePair(3, "c", "d"),
            new SentencePair(5, "f".repeat(50), "g")),
        got);
    assertEquals(List.of(2L), report.firstLines(Reason.LINE_TOO_LONG));
    assertEquals(List.of(4L), report.firstLines(Reason.NO_TAB)); // 99 bytes: within the limit
    assertEquals(5, report.lines());
  }

  @Test
  void longLinesAcrossBlockBoundariesAreReassembled() throws IOException {
    ParallelCorpusReader reader =
        new ParallelCorpusReader(
            1 << 20, String::length, ParallelCorpusReader.DEFAULT_MAX_LINE_BYTES, 10);
    String src = "é".repeat(70_000); // 140,000 bytes: crosses two block boundaries mid-character
    List<SentencePair> got = new ArrayList<>();
    CorpusReport report = read(reader, utf8("a\tb\n" + src + "\t" + src + "z\n"), got);
    assertEquals(2, report.accepted());
    assertEquals(src, got.get(1).source());
    assertEquals(src + "z", got.get(1).target());
  }

  @Test
  void keepsOnlyTheFirstLineNumbersButCountsAll() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 25; i++) {
      sb.append(i % 2 == 0 ? "good\tpair\n" : "bad\n");
    }
    CorpusReport report =
        read(
            new ParallelCorpusReader(10, String::length, 1000, 3),
            utf8(sb.toString()),
            new ArrayList<>());
    assertEquals(13, report.count(Reason.NO_TAB));
    assertEquals(List.of(1L, 3L, 5L), report.firstLines(Reason.NO_TAB));
    assertEquals(12, report.accepted());
    assertEquals(
        "t: 25 lines, 12 accepted, 13 rejected\n  no tab: 13 (lines 1, 3, 5, ...)",
        "t" + report.summary().substring("test.tsv".length()));
  }

  /** Reads 3 million generated lines (about 75 MB) that never exist in memory at once. */
  @Test
  void streamsInputItNeverHoldsWhole() throws IOException {
    long lines = 3_000_000;
    InputStream gen =
        new InputStream() {
          private long line;
          private byte[] cur = new byte[0];
          private int pos;

          @Override
          public int read() {
            if (pos == cur.length) {
              if (line == lines) {
                return -1;
              }
              line++;
              String s =
                  line % 1000 == 0
                      ? "broken line " + line + "\n"
                      : "w o r d" + line + "\tW " + line + "\n";
              cur = s.getBytes(StandardCharsets.UTF_8);
              pos = 0;
            }
            return cur[pos++] & 0xFF;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
              int c = read();
              if (c < 0) {
                return n == 0 ? -1 : n;
              }
              b[off + n++] = (byte) c;
            }
            return n;
          }
        };
    long[] seen = {0, 0};
    CorpusReport report =
        ParallelCorpusReader.of(100, WORDS)
            .read(
                gen,
                "generated",
                p -> {
                  seen[0]++;
                  seen[1] = p.line();
                });
    assertEquals(lines, report.lines());
    assertEquals(lines - lines / 1000, report.accepted());
    assertEquals(lines / 1000, report.count(Reason.NO_TAB));
    assertEquals(List.of(1000L, 2000L, 3000L), report.firstLines(Reason.NO_TAB).subList(0, 3));
    assertEquals(report.accepted(), seen[0]);
    assertEquals(lines - 1, seen[1]);
  }

  @Test
  void readsAFileAndValidatesItsSettings() throws IOException {
    Path f = dir.resolve("train.tsv");
    Files.writeString(f, "a\tb\n\n");
    List<SentencePair> got = new ArrayList<>();
    CorpusReport report = ParallelCorpusReader.of(5, WORDS).read(f, got::add);
    assertEquals(f.toString(), report.file());
    assertEquals(List.of(new SentencePair(1, "a", "b")), got);
    assertEquals(1, report.count(Reason.EMPTY_LINE));
    assertThrows(IllegalArgumentException.class, () -> ParallelCorpusReader.of(0, WORDS));
    assertThrows(IllegalArgumentException.class, () -> new ParallelCorpusReader(5, null, 10, 10));
    assertThrows(
        IllegalArgumentException.class, () -> new ParallelCorpusReader(5, String::length, 0, 10));
    assertThrows(
        IllegalArgumentException.class, () -> new ParallelCorpusReader(5, String::length, 1, -1));
  }
}
